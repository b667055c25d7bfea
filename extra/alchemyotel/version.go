package alchemyotel

// ScopeName is the instrumentation scope of every span and metric this package
// makes: its import path.
const ScopeName = "github.com/go-alchemy/alchemy/extra/alchemyotel"

// Version is this package's version, the instrumentation scope's version.
const Version = "0.1.0"
