"""GitOps promotion: values edits, repository operations, forges, promote, rollback, history."""
