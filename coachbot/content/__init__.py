"""Content: load, validate and search tips, challenges and playbook scripts."""
