package appvalues

import "gopkg.in/yaml.v3"

// kind is the shape a value must have.
type kind int

const (
	kAny        kind = iota // anything (passed through to Kubernetes or build)
	kString                 // a string
	kInt                    // a whole number in [min, max]
	kBool                   // true or false
	kStringList             // a list of strings
	kStringMap              // a map of single values (labels, annotations)
	kEnv                    // environment variables: a map of single values
	kObject                 // a map passed through to Kubernetes
	kList                   // a list of elem
	kStruct                 // a map with known fields
	kMapOf                  // a map of name -> elem
	kCPU                    // a Kubernetes cpu quantity
	kMemory                 // a Kubernetes byte quantity
	kTag                    // an image tag
)

// spec is the schema of one value.
type spec struct {
	kind     kind
	fields   map[string]*spec // kStruct
	required []string         // kStruct: fields that must be present
	example  map[string]string
	elem     *spec // kList, kMapOf
	min, max int   // kInt
	enum     []string
	// name checks the keys of a kMapOf (proc names...).
	name func(c *checker, k *yaml.Node, path string)
	// check runs after the shape is right.
	check func(c *checker, k, v *yaml.Node, path string)
}

func str() *spec                 { return &spec{kind: kString} }
func oneOf(vals ...string) *spec { return &spec{kind: kString, enum: vals} }
func num(min, max int) *spec     { return &spec{kind: kInt, min: min, max: max} }
func count() *spec               { return num(0, 1<<31-1) }
func object() *spec              { return &spec{kind: kObject} }
func listOf(e *spec) *spec       { return &spec{kind: kList, elem: e} }
func mapOf(e *spec) *spec        { return &spec{kind: kMapOf, elem: e} }
func strs() *spec                { return &spec{kind: kStringList} }
func strMap() *spec              { return &spec{kind: kStringMap} }
func env() *spec                 { return &spec{kind: kEnv} }
func fields(f map[string]*spec, required ...string) *spec {
	return &spec{kind: kStruct, fields: f, required: required}
}

const maxPort = 65535

// procKinds are the keys holding procs, and what each adds to the common
// proc fields (reference section 4).
var procKinds = []string{"deployments", "statefulSets", "cronjobs", "jobs"}

func procSpec(kind string) *spec {
	f := map[string]*spec{
		"env": env(), "image": str(), "imageTag": {kind: kTag},
		"imagePullPolicy":    oneOf("Always", "IfNotPresent", "Never"),
		"podSecurityContext": object(), "serviceAccountName": str(),
		"terminationGracePeriodSeconds": count(),
		"resources":                     resourcesSpec(),
		"command":                       {kind: kStringList, check: checkCommand},
		"workingDir":                    str(),
		"containerPort":                 num(1, maxPort),
		"podAnnotations":                strMap(), "annotations": strMap(),
		"nodePort":       num(30000, 32767),
		"protocol":       oneOf("TCP", "UDP", "SCTP"),
		"hostNetwork":    {kind: kBool},
		"readinessProbe": object(), "livenessProbe": object(), "startupProbe": object(),
		"nodes": strs(), "affinity": object(),
		"initContainers": listOf(&spec{kind: kObject, check: needsName}),
		"volumeMounts":   listOf(mountSpec()),
		"lifecycle":      object(),
	}
	add := func(more map[string]*spec) {
		for k, v := range more {
			f[k] = v
		}
	}
	jobFields := map[string]*spec{"backoffLimit": count(), "ttlSecondsAfterFinished": count(), "activeDeadlineSeconds": num(1, 1<<31-1)}
	var required []string
	switch kind {
	case "deployments", "statefulSets":
		add(map[string]*spec{"replicaCount": count(), "hpa": hpaSpec(), "minReadySeconds": count()})
		if kind == "deployments" {
			f["strategy"] = object()
		} else {
			f["updateStrategy"] = object()
		}
	case "cronjobs":
		add(jobFields)
		add(map[string]*spec{
			"schedule": {kind: kString, check: checkSchedule}, "suspend": {kind: kBool},
			"concurrencyPolicy":          oneOf("Allow", "Forbid", "Replace"),
			"successfulJobsHistoryLimit": count(), "failedJobsHistoryLimit": count(),
		})
		required = []string{"schedule"}
	case "jobs", "tests":
		add(jobFields)
	}
	s := fields(f, required...)
	s.example = map[string]string{"schedule": `schedule: "*/10 * * * *"`}
	return s
}

func resourcesSpec() *spec {
	q := func() *spec {
		return fields(map[string]*spec{"cpu": {kind: kCPU}, "memory": {kind: kMemory}, "ephemeral-storage": {kind: kMemory}})
	}
	return &spec{kind: kStruct, fields: map[string]*spec{"requests": q(), "limits": q()}, check: checkRequestsWithinLimits}
}

func hpaSpec() *spec {
	s := fields(map[string]*spec{
		"minReplicas": num(1, 1<<31-1), "maxReplicas": num(1, 1<<31-1),
		"metrics": listOf(object()), "behavior": object(),
	}, "maxReplicas")
	s.example = map[string]string{"maxReplicas": "maxReplicas: 5"}
	s.check = checkHPA
	return s
}

func mountSpec() *spec {
	s := fields(map[string]*spec{
		"name": str(), "mountPath": str(), "subPath": str(), "readOnly": {kind: kBool},
		"mountPropagation": str(), "subPathExpr": str(),
	}, "mountPath")
	s.example = map[string]string{"mountPath": "mountPath: /lain/app/config.json"}
	return s
}

func ingressSpec() *spec {
	s := fields(map[string]*spec{
		"host": str(), "deployName": str(), "paths": {kind: kStringList, check: checkPaths}, "annotations": strMap(),
		"ingressClass": str(), "hostCertificate": {kind: kBool},
	}, "host", "deployName")
	s.example = map[string]string{"host": "host: myapp", "deployName": "deployName: web"}
	return s
}

// topSpec is the schema of the whole file (reference section 4), plus the
// keys lain itself sets with --set.
func topSpec() *spec {
	f := map[string]*spec{
		"appname":                {kind: kString, check: checkAppname},
		"releaseName":            {kind: kString, check: checkReleaseName},
		"env":                    env(),
		"volumes":                listOf(&spec{kind: kObject, check: needsName}),
		"volumeMounts":           listOf(mountSpec()),
		"persistentVolumeClaims": {kind: kMapOf, name: checkDNSName, elem: &spec{kind: kObject, check: checkPVC}},
		"tests":                  {kind: kMapOf, name: checkProcName, elem: procSpec("tests")},
		"ingresses":              listOf(ingressSpec()), "externalIngresses": listOf(ingressSpec()),
		"labels":             {kind: kStringMap, check: checkLabels},
		"serviceAnnotations": strMap(), "ingressAnnotations": strMap(), "externalIngressAnnotations": strMap(),
		"canaryGroups": mapOf(strMap()),
		"canaryGroup":  str(), // set by lain set-canary-group
		"hostAliases":  listOf(fields(map[string]*spec{"ip": str(), "hostnames": strs()}, "ip", "hostnames")),
		"extraEnvFrom": listOf(object()),
		"build": fields(map[string]*spec{
			"base": str(), "workdir": str(), "env": env(), "script": strs(),
			"prepare": fields(map[string]*spec{"script": strs(), "keep": strs(), "env": env()}),
		}, "base"),
		"build_args": {kind: kAny},
		"release": fields(map[string]*spec{
			"dest_base": str(), "workdir": str(), "env": env(), "script": strs(),
			"copy": listOf(fields(map[string]*spec{"src": str(), "dest": str()}, "src")),
		}),
		"networkPolicy":          fields(map[string]*spec{"spec": object()}),
		"webhook":                fields(map[string]*spec{"url": str(), "clusters": strs()}),
		"gitlab_mr_note":         {kind: kBool}, // lain deploy comments on the merge request (GitLab CI)
		"prometheus_query_range": {kind: kString, check: checkRange},
		// Set by lain on helm's command line (--set); allowed in files too.
		"imageTag": {kind: kTag}, "cluster": str(), "user": str(), "repo_url": str(),
	}
	for _, k := range procKinds {
		f[k] = &spec{kind: kMapOf, name: checkProcName, elem: procSpec(k)}
	}
	s := fields(f, "appname")
	s.example = map[string]string{"appname": "appname: myapp"}
	s.fields["build"].example = map[string]string{"base": "base: python:3.12-slim"}
	return s
}
