"""Leadbot domain and web app. Domain modules here import no Rasa and no web framework."""
