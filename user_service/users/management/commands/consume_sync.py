from ems_common.messaging.sync import ConsumeSyncCommand
from users.consumers import sync


class Command(ConsumeSyncCommand):
    handlers = sync
