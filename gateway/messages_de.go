package gateway

import "github.com/authgate/gatewayd/authcore"

// messagesDE is the German table.
func messagesDE() messages {
	return messages{
		problems: map[string]problemText{
			codeInvalidCredentials:             {"Ungültige Anmeldedaten", "Die E-Mail-Adresse oder das Passwort ist falsch."},
			codeEmailTaken:                     {"E-Mail-Adresse bereits registriert", "Mit dieser E-Mail-Adresse existiert bereits ein Konto."},
			codeRegistrationClosed:             {"Registrierung geschlossen", "Die Selbstregistrierung ist auf diesem Server deaktiviert."},
			codeInvalidRefreshToken:            {"Ungültiges Refresh-Token", "Das Refresh-Token ist ungültig, abgelaufen oder widerrufen. Bitte melden Sie sich erneut an."},
			codeValidationFailed:               {"Validierung fehlgeschlagen", "Mindestens ein Feld ist ungültig; siehe die Fehlerliste."},
			codeMalformedRequest:               {"Fehlerhafte Anfrage", "Der Anfragetext ist kein gültiges JSON-Objekt in der erwarteten Form."},
			codePayloadTooLarge:                {"Anfrage zu groß", "Der Anfragetext überschreitet die zulässige Größe."},
			codeUnsupportedMediaType:           {"Nicht unterstützter Medientyp", "Der Anfragetext muss mit Content-Type: application/json gesendet werden."},
			codeInvalidToken:                   {"Ungültiges Zugriffstoken", "Ein gültiges Zugriffstoken ist erforderlich: Es fehlt, ist fehlerhaft, abgelaufen oder anderweitig ungültig."},
			codeInsufficientRole:               {"Unzureichende Rolle", "Ihr Konto hat keine Rolle, die Zugriff auf diese Ressource gewährt."},
			codeServerBusy:                     {"Server ausgelastet", "Der Server ist vorübergehend überlastet. Bitte versuchen Sie es in Kürze erneut."},
			codeRateLimited:                    {"Zu viele Anfragen", "Das Anfragelimit wurde überschritten. Bitte warten Sie, bevor Sie es erneut versuchen."},
			codeNotFound:                       {"Nicht gefunden", "Die angeforderte Ressource existiert nicht."},
			codeMethodNotAllowed:               {"Methode nicht erlaubt", "Diese Ressource unterstützt die Anfragemethode nicht."},
			codeRouteNotFound:                  {"Keine passende Route", "Für diese Anfrage ist keine Route konfiguriert."},
			codeUpstreamUnavailable:            {"Upstream nicht erreichbar", "Der Upstream-Dienst konnte nicht erreicht werden."},
			codeUpstreamTimeout:                {"Zeitüberschreitung beim Upstream", "Der Upstream-Dienst hat nicht rechtzeitig geantwortet."},
			codeNotReady:                       {"Nicht bereit", "Der Dienst ist noch nicht bereit, Anfragen zu bearbeiten."},
			codeInternalError:                  {"Interner Fehler", "Ein unerwarteter Fehler ist aufgetreten. Bitte geben Sie bei einer Meldung die Anfrage-ID an."},
			codeInvalidPath:                    {"Ungültiger Pfad", "Der Anfragepfad verwendet eine Schreibweise, die das Gateway nicht auslegt: einen ';'-Parameter, einen kodierten Schräg- oder Rückstrich, doppelte Kodierung, ein Steuerzeichen oder ungültiges UTF-8."},
			codeForwardAuthDescriptionMissing:  {"Ursprüngliche Anfrage nicht beschrieben", "Forward-Auth benötigt die ursprüngliche Anfrage von einem vertrauenswürdigen Proxy: X-Forwarded-Method, X-Forwarded-Host und X-Forwarded-Uri (Traefik, Caddy) oder X-Original-Method, X-Original-URL und X-Forwarded-Host (nginx)."},
			codeForwardAuthDescriptionConflict: {"Widersprüchliche Beschreibungen der Anfrage", "Die Header X-Original-* und X-Forwarded-* beschreiben unterschiedliche Anfragen."},
			codeServiceUnavailable:             {"Dienst nicht verfügbar", "Der Dienst ist vorübergehend nicht verfügbar. Bitte versuchen Sie es in einigen Sekunden erneut."},
		},
		fields: map[string]string{
			authcore.CodeInvalidEmail:     "Geben Sie eine gültige E-Mail-Adresse ein.",
			authcore.CodeEmailTooLong:     "Die E-Mail-Adresse darf höchstens 254 Zeichen lang sein.",
			authcore.CodePasswordTooShort: "Das Passwort ist zu kurz.",
			authcore.CodePasswordTooLong:  "Das Passwort ist zu lang.",
			authcore.CodeInvalidRole:      "Dieser Rollenname ist ungültig.",
			fieldUnknown:                  "Dieses Feld ist unbekannt.",
			fieldWrongType:                "Dieses Feld hat den falschen Typ.",
			fieldInvalid:                  "Dieser Wert ist ungültig.",
		},
	}
}
