"""Excel in and out on the web: templates, upload (all or nothing) and exports.

Included before the record list and form routes: their ``/records/{type}`` and
``/records/{type}/{id}`` patterns would otherwise catch ``/records/import`` and
``/records/{type}/export.xlsx``.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from app import audit, store
from app.access import POLICE, actor
from app.deps import LocaleDep, SessionDep, SettingsDep
from app.i18n import gettext_for
from app.records import excel, importer
from app.records.importer import ImportRejected, ImportResult, file_problem, import_file
from app.records.schema import BY_NAME, RECORD_TYPES, RecordType
from app.records.service import Context
from app.rendering import render
from app.settings import Settings

router = APIRouter(dependencies=[Depends(POLICE)])  # person-level records

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _types(type_name: str | None) -> list[RecordType]:
    if type_name is None:
        return list(RECORD_TYPES)
    if type_name not in BY_NAME:
        raise HTTPException(404)
    return [BY_NAME[type_name]]


def _xlsx(content: bytes, filename: str) -> Response:
    return Response(content, media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _template(session: Session, code: str, type_name: str | None, locale: str) -> Response:
    types = _types(type_name)
    ctx = Context.load(session, code)
    wb = excel.template_workbook(ctx, types, locale)
    return _xlsx(excel.workbook_bytes(wb), f"xkmt_{code}_{type_name or 'all'}_template.xlsx")


def _export(request: Request, session: Session, code: str, type_name: str | None,
            locale: str) -> Response:
    """The workbook, and an audit event: every export of records is logged."""
    types = _types(type_name)
    ctx = Context.load(session, code)
    now = dt.datetime.now(store.TZ)
    wb = excel.export_workbook(session, ctx, types, locale, actor=actor(request), now=now)
    name = f"xkmt_{code}_{type_name or 'all'}_{now.strftime('%Y%m%d-%H%M')}.xlsx"
    rows = excel.row_counts(wb, types, locale)
    audit.record_request(request, "export", commune_code=code, object_type="records",
                         object_id=type_name or "all",
                         detail={"file": name, "rows": rows})
    return _xlsx(excel.workbook_bytes(wb), name)


@router.get("/communes/{code}/records/template.xlsx")
def template_all(code: str, session: SessionDep, locale: LocaleDep) -> Response:
    """A blank workbook with a sheet for every record type."""
    return _template(session, code, None, locale)


@router.post("/communes/{code}/records/export.xlsx")
def export_all(code: str, request: Request, session: SessionDep,
               locale: LocaleDep) -> Response:
    """Every record of the commune, a sheet per type. A POST from the page's form (with
    its CSRF token): a link from another site cannot make an export in one's name."""
    return _export(request, session, code, None, locale)


@router.get("/communes/{code}/records/export.xlsx")
def export_all_address(code: str, session: SessionDep) -> RedirectResponse:
    """An old link or bookmark: the page with the export buttons; nothing is exported."""
    return _to_downloads(session, code, None)


@router.get("/communes/{code}/records/{type_name}/template.xlsx")
def template_one(code: str, type_name: str, session: SessionDep,
                 locale: LocaleDep) -> Response:
    return _template(session, code, type_name, locale)


@router.post("/communes/{code}/records/{type_name}/export.xlsx")
def export_one(code: str, type_name: str, request: Request, session: SessionDep,
               locale: LocaleDep) -> Response:
    return _export(request, session, code, type_name, locale)


@router.get("/communes/{code}/records/{type_name}/export.xlsx")
def export_one_address(code: str, type_name: str, session: SessionDep) -> RedirectResponse:
    return _to_downloads(session, code, type_name)


def _to_downloads(session: Session, code: str, type_name: str | None) -> RedirectResponse:
    store.get_commune(session, code)
    _types(type_name)
    return RedirectResponse(f"/communes/{code}/records/import#downloads", status_code=303)


def _page(request: Request, session: Session, code: str, locale: str, *, status: int = 200,
          result: ImportResult | None = None, rejected: ImportRejected | None = None
          ) -> HTMLResponse:
    ctx = Context.load(session, code)
    _ = gettext_for(locale)
    records = f"/communes/{code}/records"
    types = [{"name": rt.name, "label": _(rt.label),
              "template": f"{records}/{rt.name}/template.xlsx?lang={locale}",
              "export": f"{records}/{rt.name}/export.xlsx?lang={locale}"}
             for rt in excel.ordered(RECORD_TYPES)]
    return render(
        request, "records_import.html", locale, status=status, commune=ctx.commune,
        types=types, records_href=records,
        max_upload_mb=request.app.state.settings.max_upload_mb, result=result,
        rejected=rejected,
        problems=[p.text(locale) for p in rejected.problems] if rejected else [],
        notes=[n.text(locale) for n in (rejected or result).notes]
        if (rejected or result) else [])


@router.get("/communes/{code}/records/import", response_class=HTMLResponse)
def import_form(code: str, request: Request, session: SessionDep,
                locale: LocaleDep) -> HTMLResponse:
    """The upload form, with the templates to download."""
    return _page(request, session, code, locale)


FORM_OVERHEAD = 64_000  # bytes of a multipart form around the file itself


@router.post("/communes/{code}/records/import", response_class=HTMLResponse)
async def import_upload(code: str, request: Request, session: SessionDep,
                        settings: SettingsDep, locale: LocaleDep) -> HTMLResponse:
    """Import the uploaded file: the result page lists every problem, or the counts.

    A body announced larger than ``max_upload_mb`` is refused before it is read.
    """
    limit = settings.max_upload_mb * 1_000_000
    name, data, record_type = "", b"", ""
    too_large = int(request.headers.get("content-length") or 0) > limit + FORM_OVERHEAD
    if not too_large:
        form = await request.form()
        upload = form.get("file")
        record_type = str(form.get("record_type") or "")
        if isinstance(upload, UploadFile) and upload.filename:
            name = upload.filename.replace("\\", "/").rsplit("/", 1)[-1]
            data = await upload.read(limit + 1)
            too_large = len(data) > limit
    return await run_in_threadpool(_import, request, session, settings, code, locale,
                                   name, data, record_type, too_large)


def _import(request: Request, session: Session, settings: Settings, code: str, locale: str,
            name: str, data: bytes, record_type: str, too_large: bool) -> HTMLResponse:
    store.get_commune(session, code)
    session.rollback()  # the import runs in its own transaction of this session
    try:
        if too_large:
            raise ImportRejected(name, [file_problem(
                "file_too_large", limit_mb=settings.max_upload_mb)])
        if not name:
            raise ImportRejected("", [file_problem("no_file")])
        result = import_file(session, code, name, data, actor=actor(request),
                             type_name=record_type or None,
                             limits=importer.ImportLimits.of(settings))
    except ImportRejected as exc:
        audit.record_request(request, "import", commune_code=code, object_type="file",
                             object_id=name, detail={"accepted": False,
                                                     "problems": exc.total})
        status = 413 if exc.problems[0].problem.code == "file_too_large" else 422
        return _page(request, session, code, locale, status=status, rejected=exc)
    audit.record_request(request, "import", commune_code=code, object_type="file",
                         object_id=name, detail={"accepted": True, **{
                             s.rt.name: vars(s.summary) for s in result.sheets}})
    return _page(request, session, code, locale, result=result)
