package api

import (
	"bufio"
	"crypto/subtle"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/gin-gonic/gin"
)

// LoadTokens reads a token file: one "name:token" a line; blank lines and
// lines starting with # are skipped. It returns token → name.
func LoadTokens(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("token file: %w", err)
	}
	defer f.Close()
	tokens := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, tok, ok := strings.Cut(line, ":")
		name, tok = strings.TrimSpace(name), strings.TrimSpace(tok)
		if !ok || name == "" || tok == "" {
			return nil, fmt.Errorf("token file %s line %d: want name:token", path, n)
		}
		tokens[tok] = name
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("token file %s: %w", path, err)
	}
	return tokens, nil
}

// auth lets a request through when it carries a known bearer token, and
// records the token's name as "who".
func (h *handler) auth(c *gin.Context) {
	given, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
	given = strings.TrimSpace(given)
	if ok && given != "" {
		for tok, name := range h.opts.Tokens {
			if subtle.ConstantTimeCompare([]byte(tok), []byte(given)) == 1 {
				c.Set("who", name)
				c.Next()
				return
			}
		}
	}
	c.Header("WWW-Authenticate", `Bearer realm="nianbao"`)
	h.fail(c, http.StatusUnauthorized, "unauthorized", "需要有效的令牌：请求头 Authorization: Bearer <令牌>")
	c.Abort()
}
