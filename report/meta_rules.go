package report

// RuleNoAgency marks a report whose text never names the agency that
// publishes it (it calls itself 我局, 我镇 …): the agency is left empty for
// a person to fill rather than guessed.
const RuleNoAgency = "parse_no_agency"

// RuleAgencyNearMiss marks a report whose agency, as printed, is one
// character off a registry name (沐阳县 for 沭阳县): the registry's name is
// proposed for a person to confirm, never put in its place.
const RuleAgencyNearMiss = "parse_agency_near_miss"

func init() {
	RuleLabels[RuleNoAgency] = "未写明报告机关"
	RuleLabels[RuleAgencyNearMiss] = "机关名称与登记名称相差一字"
}
