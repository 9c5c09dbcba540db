"""Staff pages of the biometric store: statistics, photos with their faces boxed, the customers
who received a face, and search by uploading a photo (which is read in memory and not kept)."""

import base64
import io

from django.apps import apps
from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_http_methods
from PIL import Image

from biometrics import selectors
from biometrics.forms import FaceSearchForm, PhotoFilterForm
from biometrics.images import ImageRejected, load_image_checked
from biometrics.ingest import ingest_limits
from biometrics.models import Face, SourcePhoto
from core.audit import audit_record
from core.roles import Perm, require
from core.uploads import upload_form

IMAGE_SIZES = {"thumb": 360, "display": 1600}
PHOTOS_PER_PAGE = 24
CHART_BAR_HEIGHT = 22
CHART_BAR_AREA = 250  # px between the domain label and the count


def _face_view(face: Face, number: int) -> dict:
    return {
        "face": face,
        "number": number,
        "x": face.left,
        "y": face.top,
        "w": face.right - face.left,
        "h": face.bottom - face.top,
    }


def _crop_box(face: Face, width: int, height: int, margin: float = 0.35) -> str:
    """SVG viewBox around a face, a little larger than the box and clipped to the photo."""
    grow_x, grow_y = (face.right - face.left) * margin, (face.bottom - face.top) * margin
    left, top = max(0, face.left - grow_x), max(0, face.top - grow_y)
    right, bottom = min(width, face.right + grow_x), min(height, face.bottom + grow_y)
    return f"{left:.0f} {top:.0f} {right - left:.0f} {bottom - top:.0f}"


@require_GET
@require(Perm.VIEW_INTERNAL)
def store(request):
    stats = selectors.store_statistics()
    peak = max((domain.photos for domain in stats.domains), default=0) or 1
    bars = [
        {
            "domain": domain,
            "y": index * CHART_BAR_HEIGHT,
            "width": max(1, round(CHART_BAR_AREA * domain.photos / peak)),
        }
        for index, domain in enumerate(stats.domains)
    ]
    return render(
        request,
        "biometrics/store.html",
        {
            "stats": stats,
            "bars": bars,
            "chart_height": max(1, len(bars)) * CHART_BAR_HEIGHT,
            "bar_height": CHART_BAR_HEIGHT - 6,
            "search_available": _search_installed(),
            "tab": "store",
        },
    )


@require_GET
@require(Perm.VIEW_INTERNAL)
def photo_list(request):
    form = PhotoFilterForm(request.GET or None)
    domain = form.domain_filter() if form.is_bound and form.is_valid() else None
    page = Paginator(selectors.photo_list(domain=domain), PHOTOS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "biometrics/photo_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "domain": domain, "tab": "photos"},
    )


@require_GET
@require(Perm.VIEW_INTERNAL)
def photo_detail(request, public_id):
    photo = selectors.photo_with_faces(public_id=public_id)
    if photo is None:
        raise Http404
    faces = [_face_view(face, number) for number, face in enumerate(photo.face_list, start=1)]
    recipients = selectors.recipients_of_faces(face_ids=[face.pk for face in photo.face_list])
    return render(
        request,
        "biometrics/photo_detail.html",
        {
            "photo": photo,
            "faces": faces,
            "recipients": recipients,
            "stroke": _stroke(photo.width),
            "label": _label(photo.width),
            "tab": "photos",
        },
    )


def _stroke(width: int) -> int:
    return max(2, width // 250)


def _label(width: int) -> dict:
    """Sizes of a face's number tag, in image pixels, so it reads the same on any photo size."""
    stroke = _stroke(width)
    return {"box": 8 * stroke, "inset": 2 * stroke, "baseline": 6 * stroke, "font": 6 * stroke}


@require_GET
@require(Perm.VIEW_INTERNAL)
def face_detail(request, public_id, face_id):
    photo = get_object_or_404(SourcePhoto, public_id=public_id)
    face = get_object_or_404(Face, pk=face_id, photo=photo)
    return render(
        request,
        "biometrics/face_detail.html",
        {
            "photo": photo,
            "face": face,
            "view_box": _crop_box(face, photo.width, photo.height),
            "box": _face_view(face, 1),
            "recipients": selectors.recipients_of_faces(face_ids=[face.pk]),
            "stroke": _stroke(photo.width),
            "tab": "photos",
        },
    )


@require_GET
@require(Perm.VIEW_INTERNAL)
def photo_image(request, public_id):
    """The stored photo, upright and re-encoded (no EXIF, no appended payload), for staff only."""
    photo = get_object_or_404(SourcePhoto, public_id=public_id)
    size = IMAGE_SIZES.get(request.GET.get("size", "display"))
    if size is None:
        raise Http404
    try:
        with photo.image.open("rb") as handle:
            image = load_image_checked(handle, limits=ingest_limits())
    except (FileNotFoundError, ImageRejected):
        raise Http404 from None
    image.thumbnail((size, size), Image.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    response = HttpResponse(buffer.getvalue(), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=60"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _search_installed() -> bool:
    return apps.is_installed("biometrics.search")


def _search_refused(request, message: str, status: int):
    form = FaceSearchForm()
    form.cleaned_data = {}  # an unbound form (nothing was read) that carries the reason
    form.add_error(None, message)
    return _search_page(request, form, status=status)


@require_http_methods(["GET", "POST"])
@upload_form(fields=("photo",), permission=Perm.SEARCH_FACES, refused=_search_refused)
def search(request):
    # upload_form: the permission is checked before the body is read; the photo stays in memory.
    results = None
    preview = None
    if request.method == "POST":
        form = FaceSearchForm(request.POST, request.FILES)
        if form.is_valid():
            uploaded = form.cleaned_data["photo"]
            tolerance = form.cleaned_data["tolerance"]
            results = _search_results(uploaded, tolerance)
            preview = _preview(uploaded)
            _audit_search(request.user, faces=len(uploaded.faces), matches=sum(len(r["matches"]) for r in results))
    else:
        form = FaceSearchForm()
    return _search_page(request, form, results=results, preview=preview)


def _search_page(request, form, *, results=None, preview=None, status: int = 200):
    return render(
        request,
        "biometrics/search.html",
        {
            "form": form,
            "results": results,
            "preview": preview,
            "max_mb": round(settings.UPLOAD_MAX_BYTES / 1_048_576),
            "tab": "search",
        },
        status=status,
    )


def _search_results(uploaded, tolerance: float) -> list[dict]:
    results = []
    for number, detected in enumerate(uploaded.faces, start=1):
        # Restricted faces (GDPR Art. 18(2)) are only stored: staff browsing the store do not see them.
        hits = selectors.faces_searchable(detected.encoding, tolerance=tolerance)
        face_ids = hits.ids.tolist()
        faces = Face.objects.select_related("photo").in_bulk(face_ids)
        rows = []
        for face_id, distance in zip(face_ids, hits.distances.tolist(), strict=True):
            face = faces.get(face_id)
            if face is None:  # erased between the search and this query
                continue
            rows.append(
                {
                    "face": face,
                    "photo": face.photo,
                    "distance": distance,
                    "view_box": _crop_box(face, face.photo.width, face.photo.height),
                    "recipients": len(
                        {r.customer_public_id for r in selectors.recipients_of_faces(face_ids=[face.pk])}
                    ),
                }
            )
        top, right, bottom, left = detected.box
        results.append({"number": number, "x": left, "y": top, "w": right - left, "h": bottom - top, "matches": rows})
    return results


def _preview(uploaded) -> dict:
    """A small copy of the upload, inlined in the page as a data: URI (never stored, never served)."""
    image = uploaded.image.copy()
    image.thumbnail((800, 800))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return {
        "data_uri": "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii"),
        "width": uploaded.width,
        "height": uploaded.height,
        "stroke": _stroke(uploaded.width),
        "font": _label(uploaded.width)["font"],
    }


def _audit_search(user, *, faces: int, matches: int) -> None:
    """Staff searches are recorded in the audit trail: who, when, how many faces and matches."""

    audit_record(action="biometrics.staff_search", actor=user, details={"faces_in_upload": faces, "matches": matches})
