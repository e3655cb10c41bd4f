"""Certification (chứng thực) at the counter, DOMAIN §6 and §8.

numbering: the gap-free numbers per type code and year, in volumes; issue: certifying copies
(paper and electronic in one action, one fee), signatures and contracts; documents: the endorsement
(lời chứng) and the electronic certified copy; register: the monthly and year-end registers."""
