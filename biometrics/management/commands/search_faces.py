"""manage.py search_faces IMAGE [--tolerance T] [--json]"""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from biometrics.faces import detect_faces
from biometrics.images import ImageRejected, image_to_array, load_image_checked
from biometrics.models import Face
from biometrics.search import search_faces_batch

MAX_TOLERANCE = 1.2


def tolerance_value(text: str) -> float:
    try:
        value = float(text)
    except ValueError as exc:
        raise CommandError(f"--tolerance must be a number, got {text!r}") from exc
    if not 0 <= value <= MAX_TOLERANCE:  # also rejects nan
        raise CommandError(f"--tolerance must be between 0 and {MAX_TOLERANCE} (0.6 is face_recognition's usual)")
    return value


class Command(BaseCommand):
    help = (
        "Find every stored face within the tolerance of each face in IMAGE (EXIF orientation applied, "
        "faces encoded with the 5-point model). The image is read, not stored."
    )

    def add_arguments(self, parser):
        parser.add_argument("image", help="A JPEG, PNG, HEIC, WEBP or AVIF photo.")
        parser.add_argument(
            "--tolerance",
            default=str(settings.FACE_TOLERANCE),
            help=f"Euclidean distance (default {settings.FACE_TOLERANCE}; lower is stricter).",
        )
        parser.add_argument("--json", action="store_true", help="Print one JSON document instead of text.")

    def handle(self, *args, **options):
        tolerance = tolerance_value(options["tolerance"])
        try:
            image = load_image_checked(options["image"])
        except ImageRejected as rejected:
            raise CommandError(f"{options['image']}: {rejected.message}") from rejected
        faces = detect_faces(image_to_array(image))
        answers = search_faces_batch([face.encoding for face in faces], tolerance=tolerance) if faces else []
        stored = {
            face.pk: face
            for face in Face.objects.filter(pk__in={i for hits in answers for i in hits.ids.tolist()}).select_related(
                "photo"
            )
        }
        document = {
            "image": options["image"],
            "width": image.width,
            "height": image.height,
            "tolerance": tolerance,
            "faces": [
                {
                    "box": list(face.box),
                    "matches": [
                        {
                            "face_id": match.face_id,
                            "photo_id": match.photo_id,
                            "photo_public_id": str(stored[match.face_id].photo.public_id),
                            "source_url": stored[match.face_id].photo.source_url,
                            "distance": match.distance,
                            "box": list(stored[match.face_id].box),
                        }
                        for match in matches
                        if match.face_id in stored  # erased between the search and this read
                    ],
                }
                for face, matches in zip(faces, answers, strict=True)
            ],
        }
        if options["json"]:
            self.stdout.write(json.dumps(document, indent=2))
            return
        self._print(document)

    def _print(self, document: dict) -> None:
        faces = document["faces"]
        self.stdout.write(
            f"{document['image']} ({document['width']}x{document['height']}): {len(faces)} face(s) found, "
            f"tolerance {document['tolerance']}"
        )
        for number, face in enumerate(faces, start=1):
            top, right, bottom, left = face["box"]
            matches = face["matches"]
            self.stdout.write(
                f"\nFace {number} at box (top {top}, right {right}, bottom {bottom}, left {left}): "
                f"{len(matches)} match(es)"
            )
            if not matches:
                continue
            self.stdout.write(
                f"  {'distance':>8}  {'face id':>8}  {'photo id':>8}  {'box (t, r, b, l)':<22}  source URL"
            )
            for match in matches:
                box = ", ".join(str(v) for v in match["box"])
                self.stdout.write(
                    f"  {match['distance']:8.4f}  {match['face_id']:>8}  {match['photo_id']:>8}  {box:<22}  "
                    f"{match['source_url'] or '-'}"
                )
