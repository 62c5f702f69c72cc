from ems_common.wsgi import service_application

application = service_application("auth_service.settings")
