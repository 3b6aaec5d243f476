package api

import (
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"nianbao/query"
)

// places answers the pickers' search box and browsing (query.Places): at
// most limit places, never the whole country's list of reports.
func (h *handler) places(c *gin.Context) {
	pq := query.PlaceQuery{Q: c.Query("q"), Province: strings.TrimSpace(c.Query("province")), City: strings.TrimSpace(c.Query("city"))}
	if s := strings.TrimSpace(c.Query("limit")); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			h.error(c, &query.InputError{Field: "limit", Message: "limit 应为正整数"})
			return
		}
		pq.Limit = n
	}
	for name, v := range map[string]string{"province": pq.Province, "city": pq.City} {
		if len([]rune(v)) > MaxFilterRunes {
			h.error(c, &query.InputError{Field: name, Message: "参数 " + name + " 太长"})
			return
		}
	}
	res, err := h.q.Places(c.Request.Context(), pq)
	if err != nil {
		h.error(c, err)
		return
	}
	h.answer(c, res)
}
