package report

import "strings"

// BodyName is how a page names a report's body: its county before its
// name (乐至县劳动镇), unless the name already starts with it — a county's
// own government is 洪泽区人民政府, never 洪泽区洪泽区人民政府.
func BodyName(county, agency string) string {
	if county == "" || strings.HasPrefix(agency, county) {
		return agency
	}
	return county + agency
}
