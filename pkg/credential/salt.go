package credential

import (
	"crypto/sha256"
	"strings"
	"unicode"
)

// userSalt is the PBKDF2 salt of PasswordProtectedKey and RecoveryKey:
// SHA-256 of the UTF-8 bytes of userName.toLowerCase().trim(), computed as
// JavaScript computes it so that a key wrapped here opens in the TypeScript
// SDK and back, whatever the user name.
func userSalt(userName string) [32]byte {
	return sha256.Sum256([]byte(jsTrim(jsToLower(userName))))
}

// jsToLower is JavaScript's String.prototype.toLowerCase: the Unicode
// default full lower-case mapping. It differs from strings.ToLower (simple
// mapping) in two places only: U+0130 becomes "i\u0307", and a capital
// sigma at the end of a word becomes the final sigma U+03C2.
func jsToLower(s string) string {
	if !strings.ContainsAny(s, "\u0130\u03a3") {
		return strings.ToLower(s)
	}
	rs := []rune(s)
	var b strings.Builder
	b.Grow(len(s) + 1)
	for i, r := range rs {
		switch {
		case r == '\u0130':
			b.WriteString("i\u0307")
		case r == '\u03a3' && finalSigma(rs, i):
			b.WriteRune('\u03c2')
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// finalSigma is the Final_Sigma condition of Unicode section 3.13: rs[i] is
// preceded by a cased letter (skipping case-ignorables) and not followed by
// one (skipping case-ignorables).
func finalSigma(rs []rune, i int) bool {
	before := false
	for j := i - 1; j >= 0; j-- {
		if caseIgnorable(rs[j]) {
			continue
		}
		before = cased(rs[j])
		break
	}
	if !before {
		return false
	}
	for j := i + 1; j < len(rs); j++ {
		if caseIgnorable(rs[j]) {
			continue
		}
		return !cased(rs[j])
	}
	return true
}

// cased is the Unicode Cased property: Lowercase, Uppercase or Lt.
func cased(r rune) bool {
	return unicode.In(r, unicode.Lu, unicode.Ll, unicode.Lt, unicode.Other_Lowercase, unicode.Other_Uppercase)
}

// caseIgnorable is the Unicode Case_Ignorable property: Mn, Me, Cf, Lm, Sk,
// and Word_Break MidLetter, MidNumLet and Single_Quote.
func caseIgnorable(r rune) bool {
	switch r {
	case '\'', '.', ':', '\u00b7', '\u0387', '\u055f', '\u05f4', '\u2018', '\u2019', '\u2024',
		'\u2027', '\ufe13', '\ufe52', '\ufe55', '\uff07', '\uff0e', '\uff1a':
		return true
	}
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf, unicode.Lm, unicode.Sk)
}

// jsTrim is JavaScript's String.prototype.trim: it strips WhiteSpace (tab,
// VT, FF, space, NBSP, U+FEFF, Zs) and LineTerminator (LF, CR, U+2028,
// U+2029). Unlike strings.TrimSpace it strips U+FEFF and keeps U+0085.
func jsTrim(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		switch r {
		case '\t', '\n', '\v', '\f', '\r', '\ufeff', '\u2028', '\u2029':
			return true
		}
		return unicode.Is(unicode.Zs, r)
	})
}
