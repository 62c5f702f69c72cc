"""RabbitMQ plumbing: connections with backoff, the topology, a confirming publisher, consumers.

Django-free except ``ems_common.messaging.sync`` (event consumers that write to the database).
"""
