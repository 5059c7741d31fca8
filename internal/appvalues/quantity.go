package appvalues

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/lain-cli/lain/internal/lazy"

	"gopkg.in/yaml.v3"
)

// quantityRe is a Kubernetes resource quantity: a number, then a binary
// (Ki, Mi...) or decimal (m, k, M...) suffix or an exponent.
var quantityRe = lazy.Regexp(`^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$`)

var multipliers = map[string]float64{
	"n": 1e-9, "u": 1e-6, "m": 1e-3, "": 1, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18,
	"Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30, "Ti": 1 << 40, "Pi": 1 << 50, "Ei": 1 << 60,
}

// parseQuantity returns the value of a quantity and its suffix.
func parseQuantity(s string) (value float64, number, suffix string, ok bool) {
	m := quantityRe().FindStringSubmatch(s)
	if m == nil {
		return 0, "", "", false
	}
	n, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, "", "", false
	}
	number, suffix = m[1], m[2]
	if mult, ok := multipliers[suffix]; ok {
		return n * mult, number, suffix, true
	}
	exp, err := strconv.Atoi(suffix[1:])
	if err != nil {
		return 0, "", "", false
	}
	v, _ := strconv.ParseFloat(fmt.Sprintf("%se%d", number, exp), 64)
	return v, number, suffix, true
}

// binaryUnits maps the ways people write memory units to Kubernetes's.
var binaryUnits = map[string]string{
	"k": "Ki", "kb": "Ki", "ki": "Ki", "kib": "Ki",
	"mb": "Mi", "mi": "Mi", "mib": "Mi",
	"g": "Gi", "gb": "Gi", "gi": "Gi", "gib": "Gi",
	"t": "Ti", "tb": "Ti", "ti": "Ti", "tib": "Ti",
}

// fractions are the suffixes that make a memory quantity a fraction of a byte.
var fractions = map[string]string{"m": "thousandths", "u": "millionths", "n": "billionths"}

var numberUnit = lazy.Regexp(`^\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]+)\s*$`)

// negative reports a quantity below zero, which Kubernetes refuses.
func (c *checker) negative(at, v *yaml.Node, path string) bool {
	val, _, _, ok := parseQuantity(v.Value)
	if ok && val < 0 {
		c.add(at, path, v.Value+" is negative: Kubernetes refuses a negative quantity", "")
	}
	return ok && val < 0
}

func (c *checker) checkMemory(at, v *yaml.Node, path string) {
	if c.negative(at, v, path) {
		return
	}
	if v.Tag == "!!int" || v.Tag == "!!float" {
		c.checkTinyMemory(at, v.Value, v.Value, path)
		return
	}
	val, number, suffix, ok := parseQuantity(v.Value)
	if !ok {
		hint := "e.g. 256Mi or 1Gi; units: Ki, Mi, Gi"
		if m := numberUnit().FindStringSubmatch(v.Value); m != nil {
			if u, known := binaryUnits[strings.ToLower(m[2])]; known {
				hint = "write " + m[1] + u
			}
		}
		c.add(at, path, fmt.Sprintf("%q is not a quantity", v.Value), hint)
		return
	}
	if fraction, tiny := fractions[suffix]; tiny {
		c.add(at, path, fmt.Sprintf("%s is %s bytes: %s means %s", v.Value, strconv.FormatFloat(val, 'f', -1, 64), suffix, fraction),
			"write "+number+"Mi")
		return
	}
	c.checkTinyMemory(at, v.Value, number, path)
}

// checkTinyMemory catches memory written without a unit: 256 is 256 bytes,
// too little for any process to start.
func (c *checker) checkTinyMemory(at *yaml.Node, text, number, path string) {
	val, _, _, ok := parseQuantity(text)
	if ok && val > 0 && val < 1<<20 {
		c.add(at, path, fmt.Sprintf("%s is %s bytes, too little for any process", text, strconv.FormatFloat(val, 'f', -1, 64)),
			"write "+number+"Mi")
	}
}

func (c *checker) checkCPU(at, v *yaml.Node, path string) {
	if c.negative(at, v, path) {
		return
	}
	if v.Tag == "!!int" || v.Tag == "!!float" {
		return
	}
	val, number, suffix, ok := parseQuantity(v.Value)
	if !ok {
		c.add(at, path, fmt.Sprintf("%q is not a quantity", v.Value), "write 500m for half a core, or 1 for one core")
		return
	}
	switch suffix {
	case "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei":
		c.add(at, path, fmt.Sprintf("%s is %s cores", v.Value, strconv.FormatFloat(val, 'f', -1, 64)),
			"write "+number+"m for thousandths of a core")
	}
}

// checkRequestsWithinLimits: Kubernetes refuses a request above its limit.
func checkRequestsWithinLimits(c *checker, _, v *yaml.Node, path string) {
	_, req := lookup(v, "requests")
	_, lim := lookup(v, "limits")
	for _, res := range []string{"cpu", "memory"} {
		rk, rv := lookup(req, res)
		_, lv := lookup(lim, res)
		if rv == nil || lv == nil || rv.Kind != yaml.ScalarNode || lv.Kind != yaml.ScalarNode {
			continue
		}
		r, _, _, ok1 := parseQuantity(rv.Value)
		l, _, _, ok2 := parseQuantity(lv.Value)
		if ok1 && ok2 && r > l {
			c.add(rk, path+".requests."+res, fmt.Sprintf("%s is more than the limit %s", rv.Value, lv.Value),
				"Kubernetes refuses a request above its limit")
		}
	}
}
