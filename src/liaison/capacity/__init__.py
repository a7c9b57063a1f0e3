"""Capacity building: training given or received with a partner, secondments and applications
for posts at partners and international secretariats, deployments to peacekeeping missions and
joint operations, and experience-sharing sessions, with the home ministry's staff in them."""
