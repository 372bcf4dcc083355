# The Pensieve seed's `make docker`: three nodes in containers, REST on 8001-8003
# (deploy/docker-compose.yml; docs/operations.md, Deploy).
COMPOSE = docker compose -f deploy/docker-compose.yml

.PHONY: docker docker-down

docker:
	$(COMPOSE) up -d --build

docker-down:
	$(COMPOSE) down
