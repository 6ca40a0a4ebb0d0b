"""intake: applicants, applications, candidacies and attachments; each case's status and timeline."""
SERVICE = "intake"
