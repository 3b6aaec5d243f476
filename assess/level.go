package assess

import "strings"

// Levels of a reporting body, as the assessment weights them.
const (
	LevelTown       = "town"       // 镇、乡、街道
	LevelDepartment = "department" // 县级部门：局、办、委…
	LevelCounty     = "county"     // 县（区）人民政府本级
)

// LevelLabels names the levels in Chinese.
var LevelLabels = map[string]string{LevelTown: "乡镇（街道）", LevelDepartment: "县级部门", LevelCounty: "县级政府"}

// LevelOf guesses a body's level from its name's suffix. It is only for a
// body the registry does not know (a report checked before it is stored);
// a stored report's level is its agency's registry level (LevelOfRegistry).
func LevelOf(agency, county string) string {
	a := strings.TrimSpace(agency)
	a = strings.TrimSuffix(a, "办事处")
	switch {
	case a == county, a == county+"人民政府", strings.HasSuffix(a, "县人民政府"), strings.HasSuffix(a, "区人民政府"), strings.HasSuffix(a, "市人民政府") && !strings.Contains(a, "镇"):
		return LevelCounty
	}
	a = strings.TrimSuffix(a, "人民政府")
	for _, s := range []string{"镇", "乡", "街道"} {
		if strings.HasSuffix(a, s) {
			return LevelTown
		}
	}
	return LevelDepartment
}
