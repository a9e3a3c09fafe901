package dfns

import (
	"runtime"
)

// Version is this library's version, sent in User-Agent and x-dfns-sdk-version.
const Version = "0.1.0"

// userAgent is sent with every request.
var userAgent = "dfns-go/" + Version + " (" + runtime.Version() + "; " + runtime.GOOS + "/" + runtime.GOARCH + ")"
