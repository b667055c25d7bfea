package alchemyprom

import "github.com/go-alchemy/alchemy"

// defaultPoolName is the engine's logging name, or else its URL without user
// name, password and query options (which may hold secrets too, such as
// sslpassword): "postgresql://db.example:5432/app".
func defaultPoolName(eng *alchemy.Engine) string {
	if name := eng.PoolStatus().Name; name != "" {
		return name
	}
	u := eng.URL() // a copy
	u.Username, u.Password, u.Query = "", "", nil
	return u.String()
}
