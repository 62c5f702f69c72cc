from ems_common.wsgi import service_application

application = service_application("user_service.settings")
