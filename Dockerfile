# One image for web, worker and beat (see docker-compose.yml).
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json Makefile ./
RUN npm ci --no-audit --no-fund --loglevel=error \
 && apt-get update -qq && apt-get install -y -qq make >/dev/null \
 && touch node_modules/.package-lock.json && make static/vendor/.stamp

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DEBUG=false
WORKDIR /app
RUN useradd --create-home --uid 1000 networkcrm
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
COPY --from=assets /src/static/vendor ./static/vendor
# collectstatic needs a key to import settings; the real one comes from the environment.
RUN SECRET_KEY=build-only python manage.py collectstatic --no-input -v0 \
 && mkdir -p var && chown -R networkcrm var
USER networkcrm
EXPOSE 8000
CMD ["gunicorn", "networkcrm.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
