"""What the operator configures: settings from the environment, feeds.yaml, and the YAML layer.

``settings`` (``WATCHDESK_*`` variables), ``feeds`` (feeds.yaml, validated), ``yamlsource``
(one loader for all YAML that keeps every position), ``yamlsyntax`` (PyYAML's errors in the
words of the file) and ``schemacheck`` (jsonschema's errors, named by item).
"""
