-- Rasa's tracker store lives in its own database next to the lead store.
CREATE DATABASE rasa OWNER leadbot;
