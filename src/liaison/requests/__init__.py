"""Cooperation requests: extradition, provisional arrest, transfer of sentenced persons, mutual
legal assistance, information requests and more, with legal basis, workflow, deadlines,
documents, reminders and statistics."""
