"""The ~/.aws/config pipeline: read the text (document), see profiles and sso-sessions as botocore
does (model), change it (edits), check the result with botocore (verify), show the change (diff),
back it up (backup) and write it safely (writer); suggested profile names (naming)."""

__all__ = ["document", "model", "edits", "verify", "diff", "backup", "writer", "naming"]
