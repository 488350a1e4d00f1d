# Image references: protected environments run only immutable images.
# Rules mutable-tag and unpinned-image (ids: slipway/policy_rules.py). Each deny is an object:
# msg, the rule id, and the object's kind and name, for exceptions in slipway.yaml.
package main

import rego.v1

workload_containers contains c if {
	input.kind in {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}
	some c in array.concat(object.get(input.spec.template.spec, "initContainers", []), input.spec.template.spec.containers)
}

workload_containers contains c if {
	input.kind == "CronJob"
	some c in input.spec.jobTemplate.spec.template.spec.containers
}

workload_containers contains c if {
	input.kind == "Pod"
	some c in input.spec.containers
}

protected if data.slipway.protected == true

image_tag(image) := tag if {
	not contains(image, "@")
	parts := split(image, "/")
	last := parts[count(parts) - 1]
	contains(last, ":")
	tag := split(last, ":")[1]
}

pinned(image) if regex.match(`@sha256:[0-9a-f]{64}$`, image)

pinned(image) if regex.match(`^[0-9a-f]{40}$`, image_tag(image))

slipway_failure(rule, msg) := {"msg": sprintf("%s [%s]", [msg, rule]), "rule": rule, "kind": input.kind, "name": input.metadata.name}

deny contains slipway_failure("mutable-tag", msg) if {
	protected
	some c in workload_containers
	image_tag(c.image) == "latest"
	msg := sprintf("%s/%s: container %q uses the mutable tag 'latest' (%s) in protected environment %q", [input.kind, input.metadata.name, c.name, c.image, data.slipway.env])
}

deny contains slipway_failure("unpinned-image", msg) if {
	protected
	some c in workload_containers
	not image_tag(c.image) == "latest"
	not pinned(c.image)
	msg := sprintf("%s/%s: container %q image %s is not pinned by digest or a 40-hex commit SHA (protected environment %q)", [input.kind, input.metadata.name, c.name, c.image, data.slipway.env])
}
