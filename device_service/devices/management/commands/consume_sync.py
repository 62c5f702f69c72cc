from devices.consumers import sync
from ems_common.messaging.sync import ConsumeSyncCommand


class Command(ConsumeSyncCommand):
    handlers = sync
