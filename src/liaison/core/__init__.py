"""The core every capability stands on: settings, database, errors, security, audit, i18n."""
