"""The PR's rendered diff hides render noise (random names, order, checksums), never a real change."""

from __future__ import annotations

from slipway.manifest_diff import diff_view, rendered_diff

OLD_SHA, NEW_SHA = "a" * 40, "b" * 40

DEPLOYMENT = """\
---
# Source: web/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  template:
    metadata:
      annotations:
        checksum/config: "CHECKSUM"
        team: payments
    spec:
      containers:
        - name: web
          image: "localhost:5000/web:SHA"
          env:
            - {name: A, value: "1"}
            - {name: B, value: "$(A)"}
"""
CONFIGMAP = """\
---
# Source: web/templates/config.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config-NAME
data:
  level: info
"""
JOB = """\
---
# Source: web/templates/job.yaml
apiVersion: batch/v1
kind: Job
metadata:
  name: web-warm-NAME
spec:
  template:
    spec:
      containers:
        - name: warm
          image: "localhost:5000/web:SHA"
"""


def render(sha: str = OLD_SHA, checksum: str = "1" * 64, cm: str = "5f7h2k9m4t", job: str = "x7k2p") -> str:
    return (
        DEPLOYMENT.replace("SHA", sha).replace("CHECKSUM", checksum)
        + CONFIGMAP.replace("NAME", cm)
        + JOB.replace("NAME", job).replace("SHA", sha)
    )


def changed_lines(diff: str) -> list[str]:
    return [line for line in diff.splitlines()[2:] if line[:1] in "+-"]


def diff(old: str, new: str) -> str:
    return rendered_diff(old, new, "dev/old", "dev/new")


def test_noise_alone_makes_no_diff() -> None:
    old = render()
    new = render(checksum="2" * 64, cm="9b8c7d6f5g", job="q9z1m")
    reordered = "".join(f"---\n{doc}" for doc in sorted(new.split("---\n")[1:], reverse=True))
    assert reordered != new
    assert diff(old, new) == ""
    assert diff(old, reordered) == "", "document order is noise"


def test_the_new_image_shows_in_every_object_that_runs_it() -> None:
    out = diff(render(), render(sha=NEW_SHA, checksum="2" * 64, job="q9z1m"))
    old_line, new_line = (f'          image: "localhost:5000/web:{sha}"' for sha in (OLD_SHA, NEW_SHA))
    assert changed_lines(out) == [f"-{old_line}", f"+{new_line}"] * 2, out
    assert out.startswith("--- dev/old\n+++ dev/new\n")


def test_a_change_inside_a_randomly_named_object_still_shows() -> None:
    old = render()
    new = render(job="q9z1m").replace(
        "        - name: warm\n", "        - name: warm\n          args: [--all]\n"
    )
    assert changed_lines(diff(old, new)) == ["+          args: [--all]"]
    new_cm = render(cm="9b8c7d6f5g").replace("level: info", "level: debug")
    assert changed_lines(diff(old, new_cm)) == ["-  level: info", "+  level: debug"]


def test_real_changes_around_the_noise_still_show() -> None:
    old = render()
    cases = {
        "replicas": ("replicas: 2", "replicas: 3"),
        "annotation": ("team: payments", "team: search"),
        "env order": ('- {name: A, value: "1"}\n            - {name: B, value: "$(A)"}',
                      '- {name: B, value: "$(A)"}\n            - {name: A, value: "1"}'),
        "label": ("labels: {app: web}", "labels: {app: web2}"),
        "comment": ("# Source: web/templates/config.yaml", "# Source: web/templates/config2.yaml"),
    }  # fmt: skip
    for what, (before, after) in cases.items():
        new = render(checksum="2" * 64).replace(before, after)
        assert new != render(checksum="2" * 64), what
        assert changed_lines(diff(old, new)), f"{what} must show"


def test_a_checksum_outside_annotations_is_not_masked() -> None:
    old = render().replace("  level: info\n", "  checksum/x: aaaaa\n")
    new = render().replace("  level: info\n", "  checksum/x: bbbbb\n")
    assert changed_lines(diff(old, new)) == ["-  checksum/x: aaaaa", "+  checksum/x: bbbbb"]


def test_renames_that_are_not_random_still_show() -> None:
    renames = {
        "x7k2p": ("x7k2q", "x7k2p-extra", "x7k2", "x7k2pp"),  # an edit, another segment, other lengths
        "v0012": ("v0013", "v0020"),  # versions: most positions stay
        "redis": ("mysql",),  # words: no digit
    }
    for before, afters in renames.items():
        for after in afters:
            out = diff(render(job=before), render(job=after))
            assert f"-  name: web-warm-{before}" in out and f"+  name: web-warm-{after}" in out, after
    assert diff(render(job="v0012"), render(job="a7q9z")) == "", "a generated suffix is noise"


def test_ambiguous_random_names_are_not_paired() -> None:
    old = render() + JOB.replace("NAME", "r2d2c").replace("SHA", OLD_SHA)
    new = render(job="q9z1m") + JOB.replace("NAME", "c3p0x").replace("SHA", OLD_SHA)
    out = diff(old, new)
    for name in ("x7k2p", "r2d2c"):
        assert f"-  name: web-warm-{name}" in out
    for name in ("q9z1m", "c3p0x"):
        assert f"+  name: web-warm-{name}" in out


def test_an_object_that_appears_or_goes_shows_whole() -> None:
    old = render()
    new = render() + "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: web-x7k2p\n"
    assert changed_lines(diff(old, new)) == [
        "+---",
        "+apiVersion: v1",
        "+kind: Secret",
        "+metadata:",
        "+  name: web-x7k2p",
    ]


def test_the_view_is_only_for_the_diff() -> None:
    old, new = diff_view(render(), render(job="q9z1m"))
    assert "name: web-warm-<random>" in old and "name: web-warm-<random>" in new
    assert "checksum/config: <checksum>" in old
    assert "team: payments" in old


def test_text_that_is_not_yaml_is_diffed_as_it_is() -> None:
    assert changed_lines(diff("# could not render: boom\n", render()))[0] == "-# could not render: boom"
