from ems_common.messaging.sync import ConsumeSyncCommand
from monitoring.sync.consumers import sync


class Command(ConsumeSyncCommand):
    handlers = sync
