"""GitHub and GitLab clients against their documented REST contracts.

No GitHub or GitLab server can run here, so these tests run a real HTTP server on loopback
that checks each request against the documented shape (method, path, query, headers, JSON
fields) and answers with the documented response fields:
- GitHub: "List pull requests" GET /repos/{owner}/{repo}/pulls?state&head=owner:branch&base,
  "Create a pull request" POST /repos/{owner}/{repo}/pulls {title, head, base, body};
  `Authorization: Bearer`, `Accept: application/vnd.github+json`, `X-GitHub-Api-Version`;
  Enterprise hosts serve the API under /api/v3.
- GitLab: GET /projects/:id/merge_requests?state=opened&source_branch&target_branch,
  POST /projects/:id/merge_requests {source_branch, target_branch, title, description};
  `:id` is the URL-encoded project path; `PRIVATE-TOKEN` header.
Gitea is tested against a real Gitea server in tests/engine.
"""

from __future__ import annotations

import pytest
from fake_forge import Script, serve

from slipway.errors import ConfigError, StageError
from slipway.gitops.forges import PullRequest, RepoRef, forge_for
from slipway.gitops.forges.gitea import Gitea
from slipway.gitops.forges.github import GitHub
from slipway.gitops.forges.gitlab import GitLab

PR = {"number": 7, "html_url": "https://gh/o/r/pull/7", "head": {"ref": "release/a-1"},
      "base": {"ref": "main"}, "title": "Promote"}  # fmt: skip


async def test_github_find_and_open() -> None:
    script = Script()
    script.routes[("GET", "/api/v3/repos/acme/gitops/pulls")] = lambda s: (200, [])
    script.routes[("POST", "/api/v3/repos/acme/gitops/pulls")] = lambda s: (201, PR)
    with serve(script) as url:
        repo = RepoRef.from_url(f"{url}/acme/gitops.git")
        gh = forge_for(repo, "tok", "github")
        assert await gh.find_open(repo, "release/a-1", "main") is None
        pr = await gh.open(repo, "release/a-1", "main", "Promote", "evidence")
    listed, created = script.seen
    assert listed.query == {"state": ["open"], "head": ["acme:release/a-1"], "base": ["main"]}
    for seen in script.seen:
        assert seen.headers["authorization"] == "Bearer tok"
        assert seen.headers["accept"] == "application/vnd.github+json"
        assert seen.headers["x-github-api-version"] == "2022-11-28"
    assert created.body == {
        "title": "Promote",
        "head": "release/a-1",
        "base": "main",
        "body": "evidence",
    }
    assert (pr.number, pr.url, pr.head) == (7, "https://gh/o/r/pull/7", "release/a-1")


async def test_gitlab_find_and_open() -> None:
    mr = {"iid": 3, "web_url": "https://gl/g/sub/gitops/-/merge_requests/3",
          "source_branch": "release/a-1", "target_branch": "main", "title": "Promote"}  # fmt: skip
    script = Script()
    path = "/api/v4/projects/group%2Fsub%2Fgitops/merge_requests"
    script.routes[("GET", path)] = lambda s: (200, [mr])
    script.routes[("POST", path)] = lambda s: (201, mr)
    with serve(script) as url:
        repo = RepoRef.from_url(f"{url}/group/sub/gitops.git")
        gl = forge_for(repo, "tok", "gitlab")
        found = await gl.find_open(repo, "release/a-1", "main")
        opened = await gl.open(repo, "release/a-1", "main", "Promote", "evidence")
    expected = PullRequest(3, "https://gl/g/sub/gitops/-/merge_requests/3", "release/a-1", "main", "Promote")
    assert (found, opened) == (expected, expected)
    listed, created = script.seen
    assert listed.query == {
        "state": ["opened"],
        "source_branch": ["release/a-1"],
        "target_branch": ["main"],
    }
    assert all(s.headers["private-token"] == "tok" for s in script.seen)
    assert created.body["description"] == "evidence"
    assert created.body["source_branch"] == "release/a-1" and created.body["target_branch"] == "main"


async def test_server_errors_are_retried_a_bounded_number_of_times() -> None:
    script = Script()
    script.routes[("POST", "/api/v3/repos/acme/gitops/pulls")] = lambda s: (
        502,
        {"message": "bad gateway"},
    )
    with serve(script) as url:
        repo = RepoRef.from_url(f"{url}/acme/gitops")
        with pytest.raises(
            StageError,
            match=r"promote: could not open a pull request: forge failed 3 times, last HTTP 502",
        ):
            await forge_for(repo, "tok", "github").open(repo, "h", "main", "t", "b")
    assert len(script.seen) == 3


async def test_wrong_token_is_not_retried() -> None:
    script = Script()
    script.routes[("GET", "/api/v1/repos/acme/gitops/pulls")] = lambda s: (
        401,
        {"message": "token is required"},
    )
    with serve(script) as url:
        repo = RepoRef.from_url(f"{url}/acme/gitops")
        with pytest.raises(StageError, match=r"refused the token \(401\)"):
            await forge_for(repo, "bad", "gitea").find_open(repo, "h", "main")
    assert len(script.seen) == 1


def test_forge_choice_and_bad_urls() -> None:
    assert isinstance(forge_for(RepoRef.from_url("https://github.com/o/r.git"), "t"), GitHub)
    assert isinstance(forge_for(RepoRef.from_url("https://gitlab.example.com/g/r"), "t"), GitLab)
    assert isinstance(forge_for(RepoRef.from_url("http://127.0.0.1:3000/o/r.git"), "t"), Gitea)
    with pytest.raises(ConfigError, match="unknown forge"):
        forge_for(RepoRef.from_url("https://x/o/r"), "t", "bitbucket")
    with pytest.raises(ConfigError, match="not an http"):
        RepoRef.from_url("git@github.com:o/r.git")


async def test_github_list_open_and_close_with_a_comment() -> None:
    """GitHub: "List pull requests" ?state=open&base=&per_page=; "Create an issue comment"
    POST /repos/{o}/{r}/issues/{n}/comments {body}; "Update a pull request" PATCH {state: closed}."""
    other = {**PR, "number": 8, "head": {"ref": "release/a/dev/x"}}
    script = Script()
    script.routes[("GET", "/api/v3/repos/acme/gitops/pulls")] = lambda s: (200, [PR, other])
    script.routes[("POST", "/api/v3/repos/acme/gitops/issues/8/comments")] = lambda s: (201, {"id": 1})
    script.routes[("PATCH", "/api/v3/repos/acme/gitops/pulls/8")] = lambda s: (200, other)
    with serve(script) as url:
        repo = RepoRef.from_url(f"{url}/acme/gitops.git")
        gh = forge_for(repo, "tok", "github")
        pulls = await gh.list_open(repo, "main")
        await gh.close(repo, pulls[1], "Superseded by #9")
    listed, commented, closed = script.seen
    assert listed.query == {"state": ["open"], "base": ["main"], "per_page": ["100"]}
    assert [p.number for p in pulls] == [7, 8]
    assert commented.body == {"body": "Superseded by #9"}
    assert (closed.method, closed.body) == ("PATCH", {"state": "closed"})


async def test_gitlab_list_open_and_close_with_a_note() -> None:
    """GitLab: GET merge_requests?state=opened&target_branch=; POST .../merge_requests/:iid/notes
    {body}; PUT .../merge_requests/:iid {state_event: close}."""
    mr = {"iid": 4, "web_url": "https://gl/g/gitops/-/merge_requests/4",
          "source_branch": "release/a/dev/x", "target_branch": "main", "title": "Promote"}  # fmt: skip
    base = "/api/v4/projects/g%2Fgitops/merge_requests"
    script = Script()
    script.routes[("GET", base)] = lambda s: (200, [mr])
    script.routes[("POST", f"{base}/4/notes")] = lambda s: (201, {"id": 1})
    script.routes[("PUT", f"{base}/4")] = lambda s: (200, mr)
    with serve(script) as url:
        repo = RepoRef.from_url(f"{url}/g/gitops.git")
        gl = forge_for(repo, "tok", "gitlab")
        (found,) = await gl.list_open(repo, "main")
        await gl.close(repo, found, "Superseded by !5")
    listed, noted, closed = script.seen
    assert listed.query == {"state": ["opened"], "target_branch": ["main"], "per_page": ["100"]}
    assert noted.body == {"body": "Superseded by !5"}
    assert (closed.method, closed.body) == ("PUT", {"state_event": "close"})
