{{- /*
Written by lain init from lain's built-in chart; `lain init --template-only`
replaces every file lain wrote. Put your own templates in other files.

Helpers shared by the templates. Most take a dict:
  root: the top-level context ($), name: the proc name, proc: its values.
Names and labels are a contract with existing clusters (lain's reference,
section 5): <release>-<proc> for objects, app.kubernetes.io/* labels.
*/ -}}

{{- /* lain.str: a value as text, the way the user wrote it. Helm reads numbers
from values files as float64 and prints 1000000 as 1e+06; toJson does not. */ -}}
{{- define "lain.str" -}}
{{- if kindIs "string" . -}}{{ . }}
{{- else if kindIs "invalid" . -}}
{{- else -}}{{ toJson . }}
{{- end -}}
{{- end -}}

{{- /* lain.strMap: a map with every value as text (labels, annotations). */ -}}
{{- define "lain.strMap" -}}
{{- $out := dict -}}
{{- range $k, $v := . -}}{{- $_ := set $out $k (include "lain.str" $v) -}}{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{- /* lain.intOr: (list value default): the number, or the default when the
key is absent. `default` would also replace a deliberate 0. */ -}}
{{- define "lain.intOr" -}}
{{- $v := index . 0 -}}
{{- if kindIs "invalid" $v -}}{{ index . 1 }}{{- else -}}{{ toJson $v }}{{- end -}}
{{- end -}}

{{- define "lain.appname" -}}
{{- required "appname is missing: add appname: <your app's name> to chart/values.yaml" .Values.appname -}}
{{- end -}}

{{- /* lain.isCanary: "true" for the canary release <appname>-canary
(lain deploy --canary), which shares cronjobs, volumes and network policy
with the main release instead of creating them twice. */ -}}
{{- define "lain.isCanary" -}}
{{- if eq .Release.Name (printf "%s-canary" (include "lain.appname" .)) -}}true{{- end -}}
{{- end -}}

{{- /* lain.labels: (dict root instance): on every object and pod template. */ -}}
{{- define "lain.labels" -}}
{{- $l := dict -}}
{{- range $k, $v := .root.Values.labels -}}{{- $_ := set $l $k (include "lain.str" $v) -}}{{- end -}}
{{- $_ := set $l "app.kubernetes.io/name" (include "lain.appname" .root) -}}
{{- $_ := set $l "app.kubernetes.io/instance" .instance -}}
{{- $_ := set $l "app.kubernetes.io/managed-by" .root.Release.Service -}}
{{- $_ := set $l "helm.sh/chart" .root.Release.Name -}}
{{- toYaml $l -}}
{{- end -}}

{{- /* lain.selector: (dict root instance): the labels a selector matches
(never user labels: selectors cannot change after creation). */ -}}
{{- define "lain.selector" -}}
app.kubernetes.io/instance: {{ .instance }}
app.kubernetes.io/name: {{ include "lain.appname" .root }}
{{- end -}}

{{- define "lain.tag" -}}
{{- include "lain.str" (.proc.imageTag | default .root.Values.imageTag | default "latest") -}}
{{- end -}}

{{- /* lain.image: the proc's own image, or <registry>/<appname>:<tag>, with
internalRegistry (the cluster's mirror) first and docker.io/ dropped. */ -}}
{{- define "lain.image" -}}
{{- if .proc.image -}}
{{- .proc.image -}}
{{- else -}}
{{- $reg := .root.Values.internalRegistry | default .root.Values.registry | required "registry is missing: it comes from the cluster values (run lain template, or pass -f cluster_values/values-<CLUSTER>.yaml)" -}}
{{- printf "%s/%s:%s" (trimPrefix "docker.io/" $reg) (include "lain.appname" .root) (include "lain.tag" .) -}}
{{- end -}}
{{- end -}}

{{- /* lain.env: the injected variables, then env (global, then the proc's;
the proc wins). Sorted by name, one entry per name. */ -}}
{{- define "lain.env" -}}
{{- $env := dict -}}
{{- range $k, $v := .root.Values.env -}}{{- $_ := set $env $k (include "lain.str" $v) -}}{{- end -}}
{{- range $k, $v := .proc.env -}}{{- $_ := set $env $k (include "lain.str" $v) -}}{{- end -}}
{{- $_ := unset $env "IMAGE_TAG" -}}{{- $_ := unset $env "K8S_NAMESPACE" -}}{{- $_ := unset $env "LAIN_CLUSTER" -}}
- name: IMAGE_TAG
  value: {{ include "lain.tag" . | quote }}
- name: K8S_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
- name: LAIN_CLUSTER
  value: {{ include "lain.str" .root.Values.cluster | quote }}
{{- range $k, $v := $env }}
- name: {{ $k }}
  value: {{ $v | quote }}
{{- end }}
{{- end -}}

{{- /* lain.envFrom: the <appname>-env Secret (lain env edit), then extraEnvFrom. */ -}}
{{- define "lain.envFrom" -}}
- secretRef:
    name: {{ include "lain.appname" .root }}-env
{{- with .root.Values.extraEnvFrom }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- /* lain.mounts: volumeMounts (global, then the proc's) as given. */ -}}
{{- define "lain.mounts" -}}
{{- toYaml (concat (.root.Values.volumeMounts | default list) (.proc.volumeMounts | default list)) -}}
{{- end -}}

{{- /* lain.volumeMounts: a mount without a name is a file of the
<appname>-secret Secret (lain secret edit); subPath defaults to the file
name of mountPath. */ -}}
{{- define "lain.volumeMounts" -}}
{{- $secret := printf "%s-secret" (include "lain.appname" .root) -}}
{{- $out := list -}}
{{- range (include "lain.mounts" . | fromYamlArray) -}}
{{- $m := . -}}
{{- if not $m.name -}}
{{- $_ := set $m "name" $secret -}}
{{- if not $m.subPath -}}{{- $_ := set $m "subPath" (base $m.mountPath) -}}{{- end -}}
{{- end -}}
{{- $out = append $out $m -}}
{{- end -}}
{{- if $out -}}{{- toYaml $out -}}{{- end -}}
{{- end -}}

{{- /* lain.volumes: the <appname>-secret volume when a mount uses it, then volumes. */ -}}
{{- define "lain.volumes" -}}
{{- $secret := printf "%s-secret" (include "lain.appname" .root) -}}
{{- $vols := list -}}
{{- range (include "lain.mounts" . | fromYamlArray) -}}
{{- if and (or (not .name) (eq .name $secret)) (not $vols) -}}
{{- $vols = append $vols (dict "name" $secret "secret" (dict "secretName" $secret)) -}}
{{- end -}}
{{- end -}}
{{- $vols = concat $vols (.root.Values.volumes | default list) -}}
{{- if $vols -}}{{- toYaml $vols -}}{{- end -}}
{{- end -}}

{{- /* lain.affinity: affinity, with `nodes` turned into a node affinity for
the label <appname>-<proc>=true (lain deploy labels those nodes). */ -}}
{{- define "lain.affinity" -}}
{{- $aff := deepCopy (.proc.affinity | default dict) -}}
{{- if .proc.nodes -}}
{{- $expr := dict "key" (printf "%s-%s" (include "lain.appname" .root) .name) "operator" "In" "values" (list "true") -}}
{{- $_ := set $aff "nodeAffinity" (dict "requiredDuringSchedulingIgnoredDuringExecution" (dict "nodeSelectorTerms" (list (dict "matchExpressions" (list $expr))))) -}}
{{- end -}}
{{- if $aff -}}{{- toYaml $aff -}}{{- end -}}
{{- end -}}

{{- /* lain.container: the proc's one container, named <appname>-<proc>
(Prometheus queries and lain logs find it by that name). */ -}}
{{- define "lain.container" -}}
- name: {{ include "lain.appname" .root }}-{{ .name }}
  image: {{ include "lain.image" . }}
  {{- with .proc.imagePullPolicy }}
  imagePullPolicy: {{ . }}
  {{- end }}
  {{- with .proc.command }}
  command: {{ toJson . }}
  {{- end }}
  workingDir: {{ .proc.workingDir | default "/lain/app" }}
  env:
    {{- include "lain.env" . | nindent 4 }}
  envFrom:
    {{- include "lain.envFrom" . | nindent 4 }}
  {{- with .proc.containerPort }}
  ports:
    - containerPort: {{ toJson . }}
      protocol: {{ $.proc.protocol | default "TCP" }}
  {{- end }}
  {{- with .proc.resources }}
  resources:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- range $probe := list "readinessProbe" "livenessProbe" "startupProbe" }}
  {{- with index $.proc $probe }}
  {{ $probe }}:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- end }}
  {{- with include "lain.volumeMounts" . }}
  volumeMounts:
    {{- . | nindent 4 }}
  {{- end }}
{{- end -}}

{{- /* lain.initContainers: as given, with the app's image, working
directory and environment unless they say otherwise. */ -}}
{{- define "lain.initContainers" -}}
{{- $out := list -}}
{{- $defaults := dict "image" (include "lain.image" .) "workingDir" (.proc.workingDir | default "/lain/app") "env" (include "lain.env" . | fromYamlArray) "envFrom" (include "lain.envFrom" . | fromYamlArray) -}}
{{- range .proc.initContainers -}}
{{- $out = append $out (merge (deepCopy .) $defaults) -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{- /* lain.podSpec: (dict root name proc restartPolicy). */ -}}
{{- define "lain.podSpec" -}}
{{- with .proc.serviceAccountName | default .root.Values.serviceAccountName }}
serviceAccountName: {{ . }}
{{- end }}
{{- if .proc.hostNetwork }}
hostNetwork: true
{{- /* so the pod still resolves the cluster's Service names */}}
dnsPolicy: ClusterFirstWithHostNet
{{- end }}
{{- with .restartPolicy }}
restartPolicy: {{ . }}
{{- end }}
terminationGracePeriodSeconds: {{ include "lain.intOr" (list .proc.terminationGracePeriodSeconds 100) }}
{{- with .proc.podSecurityContext }}
securityContext:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with concat (.root.Values.clusterHostAliases | default list) (.root.Values.hostAliases | default list) }}
hostAliases:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with include "lain.affinity" . }}
affinity:
  {{- . | nindent 2 }}
{{- end }}
{{- if .proc.initContainers }}
initContainers:
  {{- include "lain.initContainers" . | nindent 2 }}
{{- end }}
containers:
  {{- include "lain.container" . | nindent 2 }}
{{- with include "lain.volumes" . }}
volumes:
  {{- . | nindent 2 }}
{{- end }}
{{- end -}}

{{- /* lain.podTemplate: (dict root name proc restartPolicy). */ -}}
{{- define "lain.podTemplate" -}}
metadata:
  labels:
    {{- include "lain.labels" (dict "root" .root "instance" (printf "%s-%s" .root.Release.Name .name)) | nindent 4 }}
  {{- with .proc.podAnnotations }}
  annotations:
    {{- include "lain.strMap" . | nindent 4 }}
  {{- end }}
spec:
  {{- include "lain.podSpec" . | trim | nindent 2 }}
{{- end -}}

{{- /* lain.metadata: (dict root instance annotations [objName]): name (objName,
else instance), labels and annotations of an object. */ -}}
{{- define "lain.metadata" -}}
name: {{ .objName | default .instance }}
labels:
  {{- include "lain.labels" . | nindent 2 }}
{{- with .annotations }}
annotations:
  {{- include "lain.strMap" . | nindent 2 }}
{{- end }}
{{- end -}}
