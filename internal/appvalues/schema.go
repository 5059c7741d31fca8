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
	// shorthand (kStruct) is the field a plain string stands for, as the
	// original lain read `- /path` for `- {src: /path}` in release.copy.
	shorthand string
	elem      *spec // kList, kMapOf
	min, max  int   // kInt
	enum      []string
	// name checks the keys of a kMapOf (proc names...).
	name func(c *checker, k *yaml.Node, path string)
	// check runs after the shape is right.
	check func(c *checker, k, v *yaml.Node, path string)

	// What docs/values.md says besides the shape; tests hold every key to
	// it (an example that lint and the JSON Schema accept).
	keyInfo
}

// keyInfo documents a key: an example value and the original lain's name.
type keyInfo struct {
	// example is a value for the key in YAML flow style (the hint of a
	// missing required key shows it too). A kMapOf without one shows its
	// elem's example under sample, the name its examples use.
	example, sample string
	// aliases are other names the original lain also accepted for the key
	// (lain reads only the key itself); noOriginal says why the original
	// had no such key, when it had none.
	aliases    []string
	noOriginal string
}

// eg sets the example; also and none say what the original lain called it.
func (s *spec) eg(v string) *spec          { s.example = v; return s }
func (s *spec) also(names ...string) *spec { s.aliases = names; return s }
func (s *spec) none(why string) *spec      { s.noOriginal = why; return s }
func (s *spec) named(sample string) *spec  { s.sample = sample; return s }

// newKey is noOriginal for keys the original lain did not have, when there is
// nothing more to say.
const newKey = "none: new in lain"

func str(eg string) *spec                   { return (&spec{kind: kString}).eg(eg) }
func oneOf(eg string, vals ...string) *spec { return (&spec{kind: kString, enum: vals}).eg(eg) }
func num(min, max int, eg string) *spec     { return (&spec{kind: kInt, min: min, max: max}).eg(eg) }
func count(eg string) *spec                 { return num(0, 1<<31-1, eg) }
func flag(eg string) *spec                  { return (&spec{kind: kBool}).eg(eg) }
func object(eg string) *spec                { return (&spec{kind: kObject}).eg(eg) }
func listOf(e *spec, eg string) *spec       { return (&spec{kind: kList, elem: e}).eg(eg) }
func mapOf(e *spec) *spec                   { return &spec{kind: kMapOf, elem: e} }
func strs(eg string) *spec                  { return (&spec{kind: kStringList}).eg(eg) }
func strMap(eg string) *spec                { return (&spec{kind: kStringMap}).eg(eg) }
func env(eg string) *spec                   { return (&spec{kind: kEnv}).eg(eg) }
func fields(f map[string]*spec, required ...string) *spec {
	return &spec{kind: kStruct, fields: f, required: required}
}

// withShorthand lets a plain string stand for s with only field set.
func withShorthand(s *spec, field string) *spec { s.shorthand = field; return s }

const maxPort = 65535

// procKinds are the keys holding procs, and what each adds to the common
// proc fields (reference section 4).
var procKinds = []string{"deployments", "statefulSets", "cronjobs", "jobs"}

func procSpec(kind string) *spec {
	f := map[string]*spec{
		"env":                           env("{LOG_LEVEL: info}"),
		"image":                         str("nginx:1.27"),
		"imageTag":                      (&spec{kind: kTag}).eg("v1.2.0"),
		"imagePullPolicy":               oneOf("IfNotPresent", "Always", "IfNotPresent", "Never"),
		"podSecurityContext":            object("{runAsUser: 0}"),
		"serviceAccountName":            str("myapp"),
		"terminationGracePeriodSeconds": count("30"),
		"resources":                     resourcesSpec(),
		"command":                       (&spec{kind: kStringList, check: checkCommand}).eg("[./run.sh, web]"),
		"workingDir":                    str("/lain/app"),
		"containerPort":                 num(1, maxPort, "8080"),
		"podAnnotations":                strMap(`{prometheus.io/scrape: "true", prometheus.io/port: "9540"}`),
		"annotations":                   strMap("{example.com/owner: team-web}"),
		"nodePort":                      num(30000, 32767, "30080"),
		"protocol":                      oneOf("UDP", "TCP", "UDP", "SCTP"),
		"hostNetwork":                   flag("true"),
		"readinessProbe":                object("{httpGet: {path: /healthz, port: 8080}, periodSeconds: 5}"),
		"livenessProbe":                 object("{tcpSocket: {port: 8080}, initialDelaySeconds: 10}"),
		"startupProbe":                  object("{httpGet: {path: /healthz, port: 8080}, failureThreshold: 30}"),
		"nodes":                         strs("[node-1, node-2]"),
		"affinity":                      object("{podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [{topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: myapp}}}]}}"),
		"initContainers":                listOf(&spec{kind: kObject, check: needsName}, `[{name: wait-db, image: "busybox:1.36", command: [sh, -c, "until nc -z db 5432; do sleep 1; done"]}]`),
		"volumeMounts":                  listOf(mountSpec(), "[{subPath: config.json, mountPath: /lain/app/config.json}]"),
		"lifecycle":                     object("{preStop: {exec: {command: [sleep, \"5\"]}}}"),
	}
	add := func(more map[string]*spec) {
		for k, v := range more {
			f[k] = v
		}
	}
	jobFields := map[string]*spec{"backoffLimit": count("2"), "ttlSecondsAfterFinished": count("86400"), "activeDeadlineSeconds": num(1, 1<<31-1, "3600")}
	var required []string
	var eg string
	switch kind {
	case "deployments", "statefulSets":
		add(map[string]*spec{"replicaCount": count("2"), "hpa": hpaSpec(), "minReadySeconds": count("10")})
		if kind == "deployments" {
			f["strategy"] = object("{type: RollingUpdate, rollingUpdate: {maxSurge: 25%, maxUnavailable: 0}}")
			eg = "{replicaCount: 2, containerPort: 8080, command: [./run.sh, web]}"
		} else {
			f["updateStrategy"] = object("{type: RollingUpdate, rollingUpdate: {partition: 0}}")
			eg = "{replicaCount: 3, containerPort: 6379, command: [redis-server]}"
		}
	case "cronjobs":
		add(jobFields)
		add(map[string]*spec{
			"schedule": (&spec{kind: kString, check: checkSchedule}).eg(`"*/10 * * * *"`), "suspend": flag("true"),
			"concurrencyPolicy":          oneOf("Forbid", "Allow", "Forbid", "Replace"),
			"successfulJobsHistoryLimit": count("3"), "failedJobsHistoryLimit": count("3"),
		})
		required = []string{"schedule"}
		eg = `{schedule: "0 3 * * *", command: [./clean.sh]}`
	case "jobs":
		add(jobFields)
		eg = "{command: [./manage.py, migrate], annotations: {helm.sh/hook: pre-upgrade}}"
	case "tests":
		// Tests are Pods run by helm test: a Job's limits have nothing to
		// act on. The original lain accepted (and ignored) them: a warning.
		for k, js := range jobFields {
			f[k] = (&spec{kind: js.kind, min: js.min, max: js.max, check: noEffectOnPods}).eg(js.example)
		}
		eg = `{image: "curlimages/curl:8.8.0", command: [curl, -fsS, "http://myapp-web"]}`
	}
	return fields(f, required...).eg(eg)
}

func noEffectOnPods(c *checker, k, _ *yaml.Node, path string) {
	c.warn(k, path, "has no effect: tests run as Pods (helm test), not Jobs", "remove it")
}

// procMap is the map of a proc kind, with the name its examples use.
func procMap(kind string) *spec {
	sample := map[string]string{"deployments": "web", "statefulSets": "redis", "cronjobs": "clean", "jobs": "migrate", "tests": "smoke"}[kind]
	s := &spec{kind: kMapOf, name: checkProcName, elem: procSpec(kind)}
	return s.named(sample)
}

func resourcesSpec() *spec {
	q := func(cpu, memory string) *spec {
		return fields(map[string]*spec{
			"cpu": (&spec{kind: kCPU}).eg(cpu), "memory": (&spec{kind: kMemory}).eg(memory),
			"ephemeral-storage": (&spec{kind: kMemory}).eg("1Gi").none(newKey),
		}).eg("{cpu: " + cpu + ", memory: " + memory + "}")
	}
	s := &spec{kind: kStruct, fields: map[string]*spec{"requests": q("100m", "256Mi"), "limits": q("1000m", "512Mi")}, check: checkRequestsWithinLimits}
	return s.eg("{requests: {cpu: 100m, memory: 256Mi}, limits: {cpu: 1000m, memory: 512Mi}}")
}

func hpaSpec() *spec {
	s := fields(map[string]*spec{
		"minReplicas": num(1, 1<<31-1, "2").none("none: the original used replicaCount"),
		"maxReplicas": num(1, 1<<31-1, "5"),
		"metrics":     listOf(object(""), "[{type: Resource, resource: {name: memory, target: {type: Utilization, averageUtilization: 80}}}]"),
		"behavior":    object("{scaleDown: {stabilizationWindowSeconds: 300}}"),
	}, "maxReplicas")
	s.check = checkHPA
	return s.eg("{maxReplicas: 5}")
}

func mountSpec() *spec {
	return fields(map[string]*spec{
		"name": str("data"), "mountPath": str("/lain/app/config.json"), "subPath": str("config.json"),
		"readOnly":         flag("true").none(newKey),
		"mountPropagation": str("HostToContainer").none(newKey),
		"subPathExpr":      str("$(POD_NAME)").none(newKey),
	}, "mountPath")
}

func ingressSpec() *spec {
	return fields(map[string]*spec{
		"host": str("myapp"), "deployName": str("web"),
		"paths":           (&spec{kind: kStringList, check: checkPaths}).eg("[/, /api]"),
		"annotations":     strMap("{nginx.ingress.kubernetes.io/proxy-body-size: 10m}"),
		"ingressClass":    str("nginx"),
		"hostCertificate": flag("true").none(newKey),
	}, "host", "deployName")
}

// topSpec is the schema of the whole file (reference section 4), plus the
// keys lain itself sets with --set.
func topSpec() *spec {
	f := map[string]*spec{
		"appname":                    (&spec{kind: kString, check: checkAppname}).eg("myapp"),
		"releaseName":                (&spec{kind: kString, check: checkReleaseName}).eg("myapp-eu"),
		"env":                        env(`{LOG_LEVEL: info, WORKERS: "4"}`),
		"volumes":                    listOf(&spec{kind: kObject, check: needsName}, "[{name: cache, emptyDir: {}}]"),
		"volumeMounts":               listOf(mountSpec(), "[{subPath: config.json, mountPath: /lain/app/config.json}]"),
		"persistentVolumeClaims":     (&spec{kind: kMapOf, name: checkDNSName, elem: object("{accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}")}).named("data"),
		"tests":                      procMap("tests"),
		"ingresses":                  listOf(ingressSpec(), "[{host: myapp, deployName: web, paths: [/]}]"),
		"externalIngresses":          listOf(ingressSpec(), "[{host: myapp.example.com, deployName: web}]"),
		"labels":                     (&spec{kind: kStringMap, check: checkLabels}).eg("{team: web}"),
		"serviceAnnotations":         strMap(`{prometheus.io/scrape: "true"}`),
		"ingressAnnotations":         strMap(`{nginx.ingress.kubernetes.io/force-ssl-redirect: "true"}`),
		"externalIngressAnnotations": strMap(`{nginx.ingress.kubernetes.io/force-ssl-redirect: "true"}`),
		"canaryGroups":               mapOf(strMap("{nginx.ingress.kubernetes.io/canary-by-header: x-canary}")).named("internal"),
		// set by lain set-canary-group
		"canaryGroup":  str("internal").none("none: the original's set-canary-group edited the canary's ingresses with kubectl"),
		"hostAliases":  listOf(fields(map[string]*spec{"ip": str("10.0.0.1"), "hostnames": strs("[db.internal]")}, "ip", "hostnames"), "[{ip: 10.0.0.1, hostnames: [db.internal]}]"),
		"extraEnvFrom": listOf(object(""), "[{secretRef: {name: shared-env}}]"),
		// build and release tell one story: a frontend built with node,
		// served by nginx.
		"build": fields(map[string]*spec{
			"base": str("node:20"), "workdir": str("/lain/app"),
			"env":    env(`{PATH: "/lain/app/node_modules/.bin:${PATH}"}`),
			"script": strs("[npm ci, npm run build]"),
			"prepare": fields(map[string]*spec{
				"script": strs("[npm ci]"), "keep": strs("[node_modules]"),
				"env": env("{NPM_CONFIG_REGISTRY: https://npm.example.com}"),
			}).eg("{script: [npm ci], keep: [node_modules]}"),
		}, "base").eg("{base: node:20, script: [npm ci, npm run build]}"),
		"build_args": (&spec{kind: kAny}).eg("[NPM_TOKEN]").none("none: the original passed the ${VAR}s of build env as build args"),
		"release": fields(map[string]*spec{
			"dest_base": str("nginx:1.27"), "workdir": str("/usr/share/nginx/html"),
			"env": env("{TZ: Asia/Shanghai}"), "script": strs("[nginx -t]"),
			"copy": listOf(withShorthand(fields(map[string]*spec{"src": str("/lain/app/dist"), "dest": str("/usr/share/nginx/html")}, "src"), "src"), "[{src: /lain/app/dist, dest: /usr/share/nginx/html}, /lain/app/run.sh]"),
		}).eg("{dest_base: nginx:1.27, copy: [{src: /lain/app/dist, dest: /usr/share/nginx/html}]}"),
		"networkPolicy": fields(map[string]*spec{"spec": object("{podSelector: {}, policyTypes: [Ingress]}")}).eg("{spec: {podSelector: {}, policyTypes: [Ingress]}}"),
		"webhook":       fields(map[string]*spec{"url": str("https://hooks.example.com/lain"), "clusters": strs("[prod]")}).eg("{url: https://hooks.example.com/lain, clusters: [prod]}"),
		// lain deploy comments on the merge request (GitLab CI)
		"gitlab_mr_note":         flag("true").none(newKey),
		"prometheus_query_range": (&spec{kind: kString, check: checkRange}).eg("3d"),
		// Set by lain on helm's command line (--set); allowed in files too.
		"imageTag": (&spec{kind: kTag}).eg("v1.2.0"), "cluster": str("prod"), "user": str("alice"),
		"repo_url": str("https://gitlab.example.com/team/myapp.git"),
	}
	for _, k := range procKinds {
		f[k] = procMap(k)
	}
	// The original's schema merged these into the keys (its commands saw
	// them; its chart, reading the files itself, did not).
	f["deployments"].also("deploy", "deployment")
	f["statefulSets"].also("statefulSet", "statefulset", "sts")
	f["cronjobs"].also("cronjob")
	return fields(f, "appname")
}
