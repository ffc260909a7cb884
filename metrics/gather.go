package metrics

import (
	dto "github.com/prometheus/client_model/go"
)

// Sum gathers the registry and adds up the counters (or histogram counts)
// named name (without the "onramp_" namespace) whose labels include match.
// Tests read counters with it.
func (m *Metrics) Sum(name string, match map[string]string) float64 {
	fams, err := m.Registry.Gather()
	if err != nil {
		return 0
	}
	total := 0.0
	for _, f := range fams {
		if f.GetName() != "onramp_"+name {
			continue
		}
		for _, s := range f.GetMetric() {
			if !hasLabels(s, match) {
				continue
			}
			switch {
			case s.GetCounter() != nil:
				total += s.GetCounter().GetValue()
			case s.GetHistogram() != nil:
				total += float64(s.GetHistogram().GetSampleCount())
			case s.GetGauge() != nil:
				total += s.GetGauge().GetValue()
			}
		}
	}
	return total
}

func hasLabels(s *dto.Metric, match map[string]string) bool {
	n := 0
	for _, l := range s.GetLabel() {
		if v, ok := match[l.GetName()]; ok {
			if v != l.GetValue() {
				return false
			}
			n++
		}
	}
	return n == len(match)
}
