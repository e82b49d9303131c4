# The app environment: the action server and the bot web app (rasa-sdk 3.6 needs Python 3.10).
FROM python:3.10-slim
WORKDIR /app
COPY requirements/app.lock requirements/
RUN pip install --no-cache-dir --no-deps -r requirements/app.lock
COPY bot/ bot/
COPY actions/ actions/
COPY alembic.ini scoring.yml ./
COPY alembic/ alembic/
USER 1001
