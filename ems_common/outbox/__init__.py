"""Transactional outbox: events are written with the change and relayed to RabbitMQ later."""
