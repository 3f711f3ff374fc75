package gateway

import "github.com/authgate/gatewayd/authcore"

// messagesES is the Spanish table.
func messagesES() messages {
	return messages{
		problems: map[string]problemText{
			codeInvalidCredentials:             {"Credenciales no válidas", "La dirección de correo electrónico o la contraseña son incorrectas."},
			codeEmailTaken:                     {"Correo electrónico ya registrado", "Ya existe una cuenta con esta dirección de correo electrónico."},
			codeRegistrationClosed:             {"Registro cerrado", "El registro de autoservicio está desactivado en este servidor."},
			codeInvalidRefreshToken:            {"Token de actualización no válido", "El token de actualización no es válido, ha caducado o ha sido revocado. Vuelva a iniciar sesión."},
			codeValidationFailed:               {"Error de validación", "Uno o más campos no son válidos; consulte la lista de errores."},
			codeMalformedRequest:               {"Solicitud mal formada", "El cuerpo de la solicitud no es un objeto JSON válido con la forma esperada."},
			codePayloadTooLarge:                {"Solicitud demasiado grande", "El cuerpo de la solicitud supera el tamaño permitido."},
			codeUnsupportedMediaType:           {"Tipo de medio no admitido", "El cuerpo de la solicitud debe enviarse con Content-Type: application/json."},
			codeInvalidToken:                   {"Token de acceso no válido", "Se requiere un token de acceso válido: falta, está mal formado, ha caducado o no es válido."},
			codeInsufficientRole:               {"Rol insuficiente", "Su cuenta no tiene ningún rol que permita acceder a este recurso."},
			codeServerBusy:                     {"Servidor ocupado", "El servidor está sobrecargado temporalmente. Inténtelo de nuevo en breve."},
			codeRateLimited:                    {"Demasiadas solicitudes", "Se ha superado el límite de solicitudes. Espere antes de volver a intentarlo."},
			codeNotFound:                       {"No encontrado", "El recurso solicitado no existe."},
			codeMethodNotAllowed:               {"Método no permitido", "Este recurso no admite el método de la solicitud."},
			codeRouteNotFound:                  {"Ninguna ruta coincide", "No hay ninguna ruta configurada para esta solicitud."},
			codeUpstreamUnavailable:            {"Servicio de origen no disponible", "No se pudo contactar con el servicio de origen."},
			codeUpstreamTimeout:                {"Tiempo de espera del servicio de origen agotado", "El servicio de origen no respondió a tiempo."},
			codeNotReady:                       {"No preparado", "El servicio todavía no está preparado para atender solicitudes."},
			codeInternalError:                  {"Error interno", "Se produjo un error inesperado. Indique el ID de la solicitud al notificarlo."},
			codeInvalidPath:                    {"Ruta no válida", "La ruta de la solicitud usa una forma que la pasarela se niega a interpretar: un parámetro ';', una barra o barra invertida codificada, doble codificación, un carácter de control o UTF-8 no válido."},
			codeForwardAuthDescriptionMissing:  {"Solicitud original no descrita", "Forward-auth necesita la solicitud original de un proxy de confianza: X-Forwarded-Method, X-Forwarded-Host y X-Forwarded-Uri (Traefik, Caddy), o X-Original-Method, X-Original-URL y X-Forwarded-Host (nginx)."},
			codeForwardAuthDescriptionConflict: {"Descripciones de la solicitud contradictorias", "Las cabeceras X-Original-* y X-Forwarded-* describen solicitudes distintas."},
			codeServiceUnavailable:             {"Servicio no disponible", "El servicio no está disponible temporalmente. Inténtelo de nuevo en unos segundos."},
		},
		fields: map[string]string{
			authcore.CodeInvalidEmail:     "Introduzca una dirección de correo electrónico válida.",
			authcore.CodeEmailTooLong:     "La dirección de correo electrónico no puede superar los 254 caracteres.",
			authcore.CodePasswordTooShort: "La contraseña es demasiado corta.",
			authcore.CodePasswordTooLong:  "La contraseña es demasiado larga.",
			authcore.CodeInvalidRole:      "Este nombre de rol no es válido.",
			fieldUnknown:                  "Este campo no se reconoce.",
			fieldWrongType:                "Este campo tiene un tipo incorrecto.",
			fieldInvalid:                  "Este valor no es válido.",
		},
	}
}
