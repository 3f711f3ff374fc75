package gateway

import (
	"golang.org/x/text/language"

	"github.com/authgate/gatewayd/authcore"
)

// Field-level codes that the gateway itself produces; authcore contributes
// the others (invalid_email, password_too_short, ...). Each has a message in
// every language.
const (
	fieldUnknown   = "unknown_field"
	fieldWrongType = "wrong_type"
	// fieldInvalid is the fallback message for a field code that has no
	// translation yet, so a new authcore code never produces an empty message.
	fieldInvalid = "invalid_value"
)

// fieldCodes lists every field-level code with a translation, for the
// translation test.
func fieldCodes() []string {
	return []string{
		authcore.CodeInvalidEmail, authcore.CodeEmailTooLong,
		authcore.CodePasswordTooShort, authcore.CodePasswordTooLong,
		authcore.CodeInvalidRole, fieldUnknown, fieldWrongType, fieldInvalid,
	}
}

// problemText is the human-readable part of one problem code in one language.
type problemText struct {
	title  string
	detail string
}

// messages is one language's table: problem code → title/detail, and field
// code → message.
type messages struct {
	problems map[string]problemText
	fields   map[string]string
}

// defaultLocale is used when Accept-Language names nothing we speak.
const defaultLocale = "en"

// maxAcceptLanguage bounds the header we are willing to parse; real browsers
// send a few dozen bytes, and anything longer simply gets English.
const maxAcceptLanguage = 512

// localizer picks a response language from Accept-Language and looks up
// translated texts. It is built once per Server and read-only afterwards.
type localizer struct {
	matcher language.Matcher
	locales []string // index-aligned with the matcher's supported tags
	tables  map[string]messages
}

func newLocalizer() *localizer {
	// English first: the matcher falls back to the first supported tag.
	tags := []language.Tag{language.English, language.German, language.French, language.Spanish}
	return &localizer{
		matcher: language.NewMatcher(tags),
		locales: []string{"en", "de", "fr", "es"},
		tables: map[string]messages{
			"en": messagesEN(),
			"de": messagesDE(),
			"fr": messagesFR(),
			"es": messagesES(),
		},
	}
}

// negotiate returns the locale ("en", "de", "fr" or "es") that best serves
// the Accept-Language header; anything unparsable or unsupported gets
// English.
func (l *localizer) negotiate(acceptLanguage string) string {
	if acceptLanguage == "" || len(acceptLanguage) > maxAcceptLanguage {
		return defaultLocale
	}
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return defaultLocale
	}
	_, index, confidence := l.matcher.Match(tags...)
	if confidence == language.No || index < 0 || index >= len(l.locales) {
		return defaultLocale
	}
	return l.locales[index]
}

// problem returns the title and detail for code in locale, falling back to
// English and finally to the generic internal-error text, so a response
// never carries an empty title.
func (l *localizer) problem(locale, code string) problemText {
	if t, ok := l.tables[locale].problems[code]; ok {
		return t
	}
	if t, ok := l.tables[defaultLocale].problems[code]; ok {
		return t
	}
	return l.tables[defaultLocale].problems[codeInternalError]
}

// field returns the message for a field-level code in locale, falling back
// to English and then to the generic "invalid value" message.
func (l *localizer) field(locale, code string) string {
	for _, loc := range []string{locale, defaultLocale} {
		if m, ok := l.tables[loc].fields[code]; ok {
			return m
		}
	}
	if m, ok := l.tables[locale].fields[fieldInvalid]; ok {
		return m
	}
	return l.tables[defaultLocale].fields[fieldInvalid]
}
