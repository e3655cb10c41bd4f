"""The training and communication toolkit: communication templates personalised for the office
(PDF, DOCX, preview images) and the materials library."""
