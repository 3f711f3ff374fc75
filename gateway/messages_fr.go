package gateway

import "github.com/authgate/gatewayd/authcore"

// messagesFR is the French table.
func messagesFR() messages {
	return messages{
		problems: map[string]problemText{
			codeInvalidCredentials:             {"Identifiants invalides", "L’adresse e-mail ou le mot de passe est incorrect."},
			codeEmailTaken:                     {"Adresse e-mail déjà enregistrée", "Un compte existe déjà avec cette adresse e-mail."},
			codeRegistrationClosed:             {"Inscriptions fermées", "L’inscription en libre-service est désactivée sur ce serveur."},
			codeInvalidRefreshToken:            {"Jeton de rafraîchissement invalide", "Le jeton de rafraîchissement est invalide, expiré ou révoqué. Veuillez vous reconnecter."},
			codeValidationFailed:               {"Échec de la validation", "Un ou plusieurs champs sont invalides ; consultez la liste des erreurs."},
			codeMalformedRequest:               {"Requête mal formée", "Le corps de la requête n’est pas un objet JSON valide de la forme attendue."},
			codePayloadTooLarge:                {"Requête trop volumineuse", "Le corps de la requête dépasse la taille autorisée."},
			codeUnsupportedMediaType:           {"Type de média non pris en charge", "Le corps de la requête doit être envoyé avec Content-Type: application/json."},
			codeInvalidToken:                   {"Jeton d’accès invalide", "Un jeton d’accès valide est requis : il est absent, mal formé, expiré ou invalide."},
			codeInsufficientRole:               {"Rôle insuffisant", "Votre compte n’a aucun rôle donnant accès à cette ressource."},
			codeServerBusy:                     {"Serveur surchargé", "Le serveur est temporairement surchargé. Veuillez réessayer dans un instant."},
			codeRateLimited:                    {"Trop de requêtes", "La limite de requêtes a été dépassée. Veuillez patienter avant de réessayer."},
			codeNotFound:                       {"Introuvable", "La ressource demandée n’existe pas."},
			codeMethodNotAllowed:               {"Méthode non autorisée", "Cette ressource ne prend pas en charge la méthode de la requête."},
			codeRouteNotFound:                  {"Aucune route correspondante", "Aucune route n’est configurée pour cette requête."},
			codeUpstreamUnavailable:            {"Service amont indisponible", "Le service amont n’a pas pu être joint."},
			codeUpstreamTimeout:                {"Délai du service amont dépassé", "Le service amont n’a pas répondu à temps."},
			codeNotReady:                       {"Service non prêt", "Le service n’est pas encore prêt à traiter les requêtes."},
			codeInternalError:                  {"Erreur interne", "Une erreur inattendue s’est produite. Veuillez indiquer l’identifiant de requête en la signalant."},
			codeInvalidPath:                    {"Chemin invalide", "Le chemin de la requête utilise une écriture que la passerelle refuse d’interpréter : un paramètre ';', une barre oblique ou contre-oblique encodée, un double encodage, un caractère de contrôle ou de l’UTF-8 invalide."},
			codeForwardAuthDescriptionMissing:  {"Requête d’origine non décrite", "Forward-auth exige la requête d’origine d’un proxy de confiance : X-Forwarded-Method, X-Forwarded-Host et X-Forwarded-Uri (Traefik, Caddy), ou X-Original-Method, X-Original-URL et X-Forwarded-Host (nginx)."},
			codeForwardAuthDescriptionConflict: {"Descriptions de la requête contradictoires", "Les en-têtes X-Original-* et X-Forwarded-* décrivent des requêtes différentes."},
			codeServiceUnavailable:             {"Service indisponible", "Le service est temporairement indisponible. Veuillez réessayer dans quelques secondes."},
		},
		fields: map[string]string{
			authcore.CodeInvalidEmail:     "Saisissez une adresse e-mail valide.",
			authcore.CodeEmailTooLong:     "L’adresse e-mail ne doit pas dépasser 254 caractères.",
			authcore.CodePasswordTooShort: "Le mot de passe est trop court.",
			authcore.CodePasswordTooLong:  "Le mot de passe est trop long.",
			authcore.CodeInvalidRole:      "Ce nom de rôle est invalide.",
			fieldUnknown:                  "Ce champ n’est pas reconnu.",
			fieldWrongType:                "Ce champ n’a pas le bon type.",
			fieldInvalid:                  "Cette valeur est invalide.",
		},
	}
}
