"""The widget's door: a socket.io gateway speaking the rasa-webchat protocol to browsers and
Rasa's REST channel to the (internal) Rasa servers."""
