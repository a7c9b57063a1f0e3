"""The cooperation registry: countries, agencies, officials, mechanisms, agreements, programmes,
the one search box and the partner view, one module per entity."""

READ, WRITE = "registry.read", "registry.write"
