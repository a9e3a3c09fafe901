// Package dfnsproxy is a reverse proxy that checks live Dfns traffic
// against the spec, both ways, and changes nothing: put it between a client
// and Dfns (`dfns proxy --upstream https://api.dfns.io`, or New as an
// http.Handler) and learn from the first request that an answer dropped a
// field, added a kind or left the error envelope, with the JSON pointer.
//
//	p, err := dfnsproxy.New("https://api.dfns.io", dfnsproxy.WithLogger(logger))
//	http.ListenAndServe("127.0.0.1:8080", p) // then DFNS_API_URL=http://127.0.0.1:8080
//
// Every request goes upstream with its headers (hop-by-hop aside) and every
// answer comes back byte for byte, status and headers included, plus
// ViolationsHeader when something broke. POST /auth/credentials/code/init,
// /verify and /code are checked; other paths pass unchecked. Requests are
// checked against their schemas (Dfns refuses what they refuse); answers,
// by default, as the client reads them (dfns.ParseChallenge,
// dfns.ParseCredential: only what breaks the flow), and with WithStrict
// against every rule of the spec, objects with properties the spec does not
// name reported as notes. Non-2xx answers are checked against the Dfns
// error envelope, and every checked body for its framing (Content-Type,
// complete, JSON). The schemas are internal/specschema's, the sandbox's.
//
// Each violation is one log line (method, path, status, direction, pointer,
// rule) and never holds a value. WithRecordDir writes each exchange of the
// flow as a JSON file with its secrets redacted (the one-time code,
// challenge identifiers, the password, OTP code and otpUrl, credentials in
// headers); LoadRecording and Replay serve them back in a test.
//
// An upstream that does not answer (or not within WithTimeout) gets the
// client a 502 in the Dfns envelope; bodies are read up to WithMaxBodyBytes
// to be checked, and passed on whole.
//
// The proxy has its own package, not dfnstest's: it faces the real Dfns,
// and a binary that embeds it need not carry the sandbox.
package dfnsproxy
