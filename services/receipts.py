"""Form 01, the receipt-and-appointment slip, from a saved dossier."""
from __future__ import annotations

from models import Dossier, Office
from services.documents import ReceiptComponent, ReceiptSlip, receipt_pdf
from services.intake import CHANNELS


def receipt_for(dossier: Dossier, office: Office, lookup_url: str, translate=lambda s: s) -> bytes:
    procedure = dossier.version.procedure
    components = dossier.components.order_by(dossier.components.model.position)
    officer = dossier.received_by.full_name if dossier.received_by else ""
    slip = ReceiptSlip(
        parent_body=office.parent_body, office_name=office.name, place=office.place,
        dossier_code=dossier.code, issued_at=dossier.received_at, procedure_code=procedure.code,
        procedure_name=procedure.name, applicant_name=dossier.applicant_name,
        id_number=dossier.id_number, address=dossier.address, phone=dossier.phone,
        email=dossier.email, channel_label=translate(CHANNELS[dossier.channel]),
        components=[ReceiptComponent(c.name, c.originals, c.copies, c.file_id is not None)
                    for c in components],
        fee_total=dossier.fee_total, fee_lines=[(f.name, f.amount) for f in dossier.fee_lines],
        received_at=dossier.received_at, appointment_at=dossier.appointment_at,
        officer_name=officer, lookup_url=lookup_url,
        missing_scan_reason=dossier.missing_scan_reason)
    return receipt_pdf(slip)
