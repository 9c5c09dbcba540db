"""/api/v1/ endpoints of the request service (staff and auditors only).

    GET  requests/                     the queue (filters: request_type, status, due_within, overdue,
                                       country, language, identity_check, q; ordering)
    GET  requests/counts/              {status: n, ..., "overdue": n}
    GET  requests/{public_id}/         one request
    GET  requests/{public_id}/messages/  and  .../audit/
    POST requests/{public_id}/decide-matches/ {decision, matches} | assess-identity/ {outcome,
         note} | finish-review/ | reopen-review/ | approve/ {confirm_erasure} | refuse/ {basis,
         reason, law, late_reason} | refuse-part/ {scope, basis, reason, law, late_reason}
         | extend/ {months, reason} | message/ {body, visible_to_requester}
         | withdraw/ | reissue-status-link/ | escalate/ {case} or {authority, respondent}
         | decide/ {outcome, reason, confirm_erasure} (rectification, restriction, objection)
         | announce-restriction-lift/ {reason} | lift-restriction/

The answer's actions are the same guarded transitions as the review page
(compliance/workflow/machine.py): there is no shortcut that skips matching, the identity
assessment, the package or the erasure.
    GET  audit-events/                 the audit trail (filters: request, action); audit-events/verify/

Reads need Perm.VIEW_INTERNAL (auditors and staff), actions Perm.EDIT (staff). The same
FilterSet as the HTML queue. Selfies, ID photos, tokens, token hashes and the hashed client
address are never serialised.
"""

from django.core.exceptions import ValidationError
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.response import Response

from biometrics.models import Customer
from compliance import selectors
from compliance.filters import RequestFilterSet
from compliance.models import (
    DataSubjectRequest,
    IdentityAssessment,
    PartialRefusal,
    RefusalBasis,
    RequestMessage,
    RequestStatus,
    RightsOutcome,
)
from compliance.workflow import approval, handling, intake, restriction, review, rights
from compliance.workflow.lifecycle import ActionNotAllowed
from core.audit import audit_verify
from core.models import AuditEvent
from core.roles import Perm
from enforcement.models import Authority, Case, Respondent

# --- serializers ----------------------------------------------------------------------------------


class PartialRefusalSerializer(serializers.ModelSerializer):
    # A plain string: the same choice set as Request.refusal_basis would get a second enum name.
    basis = serializers.CharField(read_only=True, help_text="A value of Request.refusal_basis (RefusalBasisEnum).")
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    withheld_customers = serializers.SlugRelatedField(
        slug_field="public_id",
        many=True,
        read_only=True,
        help_text="Public ids of the recipients the answer leaves out (Art. 23).",
    )

    class Meta:
        model = PartialRefusal
        fields = [
            "id",
            "scope",
            "basis",
            "reason",
            "law",
            "late",
            "late_reason",
            "withheld_customers",
            "recorded_at",
            "recorded_by",
        ]
        read_only_fields = fields


class RequestSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    request_type_display = serializers.CharField(source="get_request_type_display", read_only=True)
    effective_due_date = serializers.DateField(read_only=True)
    overdue = serializers.SerializerMethodField()
    has_selfie = serializers.SerializerMethodField()
    # Empty ("") until the request is refused.
    refusal_basis = serializers.ChoiceField(choices=RefusalBasis.choices, allow_blank=True, read_only=True)
    # Blank until staff decide (rectification, restriction, objection; always for access/erasure).
    outcome = serializers.ChoiceField(choices=RightsOutcome.choices, allow_blank=True, read_only=True)
    approved_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    enforcement_case = serializers.SlugRelatedField(slug_field="public_id", read_only=True, allow_null=True)
    allowed_actions = serializers.SerializerMethodField()
    # Parts of the request not acted on (GDPR Art. 12(4)), oldest first.
    partial_refusals = PartialRefusalSerializer(many=True, read_only=True)

    class Meta:
        model = DataSubjectRequest
        fields = [
            "public_id",
            "request_type",
            "request_type_display",
            "status",
            "status_display",
            "name",
            "email",
            "country",
            "region",
            "language",
            "regime",
            "received_at",
            "email_verified_at",
            "clock_started_on",
            "due_date",
            "extended_due_date",
            "effective_due_date",
            "overdue",
            "extension_months",
            "extension_reason",
            "extended_at",
            "extension_notified_at",
            "statement",
            "outcome",
            "outcome_reason",
            "restriction_lift_reason",
            "restriction_lift_announced_at",
            "restriction_lifted_at",
            "refusal_basis",
            "refusal_reason",
            "refusal_law",
            "partial_refusals",
            "refused_at",
            "refused_late",
            "late_refusal_reason",
            "facts_final_at",
            "approved_at",
            "approved_by",
            "completed_at",
            "withdrawn_at",
            "expired_at",
            "identity_check",
            "identity_checked_at",
            "identity_assessment",
            "identity_assessment_note",
            "identity_assessed_at",
            "selfie_consent_at",
            "suppression_consent_at",
            "suppression_withdrawn_at",
            "has_selfie",
            "biometrics_purged_at",
            "enforcement_case",
            "escalated_at",
            "allowed_actions",
            "created",
            "updated",
        ]
        read_only_fields = fields

    def get_overdue(self, obj) -> bool:
        return handling.request_is_overdue(obj)

    def get_has_selfie(self, obj) -> bool:
        return bool(obj.selfie)

    def get_allowed_actions(self, obj) -> list[str]:
        return selectors.request_allowed_actions(obj)


class MessageSerializer(serializers.ModelSerializer):
    # Null for messages from the requester or the system.
    author = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = RequestMessage
        fields = ["id", "author", "body", "visible_to_requester", "created_at"]
        read_only_fields = fields


class AuditEventSerializer(serializers.ModelSerializer):
    # Null for events of the requester or the system (actor_label says who).
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "seq",
            "created_at",
            "actor",
            "actor_label",
            "action",
            "request_public_id",
            "object_type",
            "object_id",
            "details",
            "prev_hash",
            "hash",
        ]
        read_only_fields = fields


class RefuseInput(serializers.Serializer):
    # The values without their labels: with the labels this is the very choice set of
    # Request.refusal_basis, and drf-spectacular would warn that one set has two enum names
    # ("BasisEnum", "RefusalBasisEnum") unless ENUM_NAME_OVERRIDES names it.
    basis = serializers.ChoiceField(
        choices=RefusalBasis.values,
        help_text="The legal basis of the refusal; the values of Request.refusal_basis (RefusalBasisEnum).",
    )
    reason = serializers.CharField(max_length=5000, trim_whitespace=True)
    law = serializers.CharField(
        max_length=2000,
        trim_whitespace=True,
        required=False,
        default="",
        allow_blank=True,
        help_text="The provision of Union or Member State law relied on (required for Art. 23 and Art. 17(3)(b)).",
    )
    late_reason = serializers.CharField(
        max_length=4000,
        trim_whitespace=True,
        required=False,
        default="",
        allow_blank=True,
        help_text="Why the refusal comes after the first month from receipt (required then, GDPR Art. 12(4)).",
    )


class RefusePartInput(RefuseInput):
    scope = serializers.CharField(
        max_length=4000, trim_whitespace=True, help_text="What is not acted on, in words the requester is shown."
    )
    withheld_customers = serializers.SlugRelatedField(
        slug_field="public_id",
        queryset=Customer.objects.all(),
        many=True,
        required=False,
        default=list,
        help_text=(
            "Public ids of recipients (customers whose searches returned this request's matched faces) the answer "
            "must not name; only with basis art_23_restriction."
        ),
    )


class ExtendInput(serializers.Serializer):
    months = serializers.IntegerField(min_value=1, max_value=2)
    reason = serializers.CharField(max_length=5000, trim_whitespace=True)


class MessageInput(serializers.Serializer):
    body = serializers.CharField(max_length=10_000, trim_whitespace=True)
    visible_to_requester = serializers.BooleanField(default=False)


class AssessInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[v for v in IdentityAssessment.values if v])
    note = serializers.CharField(max_length=2000, trim_whitespace=True)


# Match ids are bigints: a larger number is refused here (it would crash the `pk__in` query).
MAX_ID = 2**63 - 1


class DecideInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["confirm", "reject"])
    matches = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), min_length=1, max_length=1000
    )


class ApproveInput(serializers.Serializer):
    confirm_erasure = serializers.BooleanField(
        default=False, help_text="true confirms the erasure plan (what is deleted and blurred); needed for erasures"
    )


class RightsDecisionInput(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=RightsOutcome.choices, help_text="one of the decisions of the request's type (rectification, ...)"
    )
    reason = serializers.CharField(max_length=10_000, help_text="the reasons; the letter prints them")
    confirm_erasure = serializers.BooleanField(
        default=False, help_text="true confirms the erasure plan; needed to uphold an objection"
    )


class LiftAnnounceInput(serializers.Serializer):
    reason = serializers.CharField(max_length=4000, help_text="why the restriction is lifted; the requester reads it")


class EscalateInput(serializers.Serializer):
    case = serializers.UUIDField(required=False, help_text="public_id of an existing enforcement case")
    authority = serializers.IntegerField(required=False, help_text="id of the authority for a new case")
    respondent = serializers.IntegerField(required=False, help_text="id of the respondent for a new case")

    def validate(self, attrs):
        if attrs.get("case"):
            case = Case.objects.filter(public_id=attrs["case"]).first()
            if case is None:
                raise serializers.ValidationError({"case": "No case with this id."})
            return {"case": case}
        if not (attrs.get("authority") and attrs.get("respondent")):
            raise serializers.ValidationError("Give a case, or an authority and a respondent for a new case.")
        authority = Authority.objects.filter(pk=attrs["authority"]).first()
        respondent = Respondent.objects.filter(pk=attrs["respondent"]).first()
        errors = {}
        if authority is None:
            errors["authority"] = "No authority with this id."
        if respondent is None:
            errors["respondent"] = "No respondent with this id."
        if errors:
            raise serializers.ValidationError(errors)
        return {"authority": authority, "respondent": respondent}


# --- response shapes of the custom actions (for the OpenAPI schema) ---------------------------------


RequestCountsSerializer = inline_serializer(
    "RequestCounts",
    fields={
        **{
            value: serializers.IntegerField(help_text=f"requests in status {value!r}") for value in RequestStatus.values
        },
        "overdue": serializers.IntegerField(help_text="open requests past their (extended) due date"),
    },
)

RequestActionResultSerializer = inline_serializer(
    "RequestActionResult",
    fields={
        "changed": serializers.BooleanField(help_text="false if the request was already in the target state"),
        "request": RequestSerializer(help_text="the request after the action"),
        "message": MessageSerializer(required=False, help_text="the new message (message action only)"),
    },
)

AuditVerifySerializer = inline_serializer(
    "AuditVerifyResult",
    fields={
        "ok": serializers.BooleanField(),
        "checked": serializers.IntegerField(help_text="events checked"),
        "broken_at_id": serializers.IntegerField(allow_null=True, help_text="first event whose hash does not match"),
        "broken_at_seq": serializers.IntegerField(allow_null=True),
        "reason": serializers.CharField(allow_blank=True),
    },
)

ACTION_ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="Invalid input: {field: [messages]} or {detail}."),
    409: OpenApiResponse(OpenApiTypes.OBJECT, description="Not allowed in the request's current status: {detail}."),
}


def action_schema(input_class=None, **kwargs):
    """The schema of a request action: its input (if any) and {changed, request} response."""
    return extend_schema(request=input_class, responses={200: RequestActionResultSerializer, **ACTION_ERRORS}, **kwargs)


# --- views ------------------------------------------------------------------------------------------


def _error_response(exc: ValidationError | ActionNotAllowed) -> Response:
    if isinstance(exc, ActionNotAllowed):
        return Response({"detail": " ".join(exc.messages), "code": exc.code}, status=status.HTTP_409_CONFLICT)
    code = status.HTTP_400_BAD_REQUEST
    if hasattr(exc, "error_dict"):
        body = {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
    else:
        body = {"detail": " ".join(str(m) for m in exc.messages)}
    return Response(body, status=code)


class RequestViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RequestSerializer
    read_perm = Perm.VIEW_INTERNAL
    write_perm = Perm.EDIT
    lookup_field = "public_id"
    lookup_value_regex = "[0-9a-fA-F-]{32,36}"
    filter_backends = [filters.DjangoFilterBackend, OrderingFilter]
    filterset_class = RequestFilterSet
    ordering_fields = ["effective_due", "received_at", "status", "request_type", "country"]
    ordering = ["effective_due", "received_at"]

    def get_queryset(self):
        return selectors.request_queue_base()

    @extend_schema(responses=RequestCountsSerializer, summary="Number of requests per status, and overdue")
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def counts(self, request, *args, **kwargs):
        counts = selectors.request_counts_by_status()
        counts["overdue"] = selectors.request_overdue_count()
        return Response(counts)

    @extend_schema(responses=MessageSerializer(many=True), summary="The request's messages, oldest first")
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def messages(self, request, *args, **kwargs):
        obj = self.get_object()
        return Response(MessageSerializer(selectors.request_messages_for_staff(obj), many=True).data)

    @extend_schema(responses=AuditEventSerializer(many=True), summary="The request's audit trail")
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def audit(self, request, *args, **kwargs):
        obj = self.get_object()
        return Response(AuditEventSerializer(selectors.request_audit_trail(obj), many=True).data)

    def _act(self, request, call, input_class=None):
        obj = self.get_object()
        data = {}
        if input_class is not None:
            serializer = input_class(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
        try:
            changed = call(obj, data)
        except (ValidationError, ActionNotAllowed) as exc:
            return _error_response(exc)
        obj.refresh_from_db()
        body = {"changed": bool(changed), "request": RequestSerializer(obj, context={"request": request}).data}
        if isinstance(changed, RequestMessage):
            body["message"] = MessageSerializer(changed).data
        return Response(body, status=status.HTTP_200_OK)

    # The answer: the same guarded transitions as the review page (compliance/workflow/).

    @action_schema(DecideInput, summary="Confirm or reject matches (any band), while the request is under review")
    @action(detail=True, methods=["post"], url_path="decide-matches")
    def decide_matches(self, request, *args, **kwargs):
        return self._act(
            request,
            lambda obj, d: review.review_decide_many(
                request=obj, match_ids=d["matches"], user=request.user, confirm=d["decision"] == "confirm"
            ),
            DecideInput,
        )

    @action_schema(AssessInput, summary="Record the identity assessment (an ID mismatch needs an override reason)")
    @action(detail=True, methods=["post"], url_path="assess-identity")
    def assess_identity(self, request, *args, **kwargs):
        return self._act(
            request,
            lambda obj, d: review.identity_assess(request=obj, user=request.user, outcome=d["outcome"], note=d["note"]),
            AssessInput,
        )

    @action_schema(summary="Finish the review (every match decided, identity assessed)")
    @action(detail=True, methods=["post"], url_path="finish-review")
    def finish_review(self, request, *args, **kwargs):
        return self._act(request, lambda obj, _d: review.review_finish(request=obj, user=request.user))

    @action_schema(summary="Back to review from the draft or the approval step")
    @action(detail=True, methods=["post"], url_path="reopen-review")
    def reopen_review(self, request, *args, **kwargs):
        return self._act(request, lambda obj, _d: review.review_reopen(request=obj, user=request.user))

    @action_schema(ApproveInput, summary="Approve the answer; an erasure needs confirm_erasure=true")
    @action(detail=True, methods=["post"])
    def approve(self, request, *args, **kwargs):
        return self._act(
            request,
            lambda obj, d: approval.answer_approve(
                request=obj, user=request.user, confirm_erasure=d["confirm_erasure"]
            ),
            ApproveInput,
        )

    @action_schema(
        RightsDecisionInput,
        summary="Decide a rectification, restriction or objection (the approval; an upheld objection erases)",
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, *args, **kwargs):
        return self._act(
            request,
            lambda obj, d: rights.rights_decide(
                request=obj,
                user=request.user,
                outcome=d["outcome"],
                reason=d["reason"],
                confirm_erasure=d["confirm_erasure"],
            ),
            RightsDecisionInput,
        )

    @action_schema(LiftAnnounceInput, summary="Tell the requester the restriction will be lifted (GDPR Art. 18(3))")
    @action(detail=True, methods=["post"], url_path="announce-restriction-lift")
    def announce_restriction_lift(self, request, *args, **kwargs):
        return self._act(
            request,
            lambda obj, d: restriction.restriction_lift_announce(request=obj, user=request.user, reason=d["reason"]),
            LiftAnnounceInput,
        )

    @action_schema(summary="Lift the restriction, once the notice period after the announcement has passed")
    @action(detail=True, methods=["post"], url_path="lift-restriction")
    def lift_restriction(self, request, *args, **kwargs):
        return self._act(request, lambda obj, _d: restriction.restriction_lift(request=obj, user=request.user))

    # Handling.

    @action_schema(RefuseInput)
    @action(detail=True, methods=["post"])
    def refuse(self, request, *args, **kwargs):
        return self._act(
            request,
            lambda obj, d: handling.request_refuse(
                request=obj,
                user=request.user,
                basis=d["basis"],
                reason=d["reason"],
                law=d["law"],
                late_reason=d["late_reason"],
            ),
            RefuseInput,
        )

    @action_schema(RefusePartInput, summary="Refuse part of the request (before approval); the rest is answered")
    @action(detail=True, methods=["post"], url_path="refuse-part")
    def refuse_part(self, request, *args, **kwargs):
        return self._act(
            request,
            lambda obj, d: handling.request_refuse_part(
                request=obj,
                user=request.user,
                scope=d["scope"],
                basis=d["basis"],
                reason=d["reason"],
                law=d["law"],
                late_reason=d["late_reason"],
                withheld_customers=d.get("withheld_customers") or (),
            ),
            RefusePartInput,
        )

    @action_schema(ExtendInput)
    @action(detail=True, methods=["post"])
    def extend(self, request, *args, **kwargs):
        return self._act(
            request,
            lambda obj, d: handling.request_extend_deadline(
                request=obj, user=request.user, months=d["months"], reason=d["reason"]
            ),
            ExtendInput,
        )

    @action_schema(MessageInput)
    @action(detail=True, methods=["post"])
    def message(self, request, *args, **kwargs):
        return self._act(
            request,
            lambda obj, d: handling.request_add_message(
                request=obj, user=request.user, body=d["body"], visible_to_requester=d["visible_to_requester"]
            ),
            MessageInput,
        )

    @action_schema()
    @action(detail=True, methods=["post"])
    def withdraw(self, request, *args, **kwargs):
        return self._act(request, lambda obj, _d: handling.request_withdraw(request=obj, user=request.user))

    @action_schema()
    @action(detail=True, methods=["post"], url_path="reissue-status-link")
    def reissue_status_link(self, request, *args, **kwargs):
        """A new status link emailed to the requester (the old one stops working); the token
        itself is never in the response."""
        return self._act(request, lambda obj, _d: intake.status_link_reissue(request=obj, user=request.user) is None)

    @action_schema(EscalateInput)
    @action(detail=True, methods=["post"])
    def escalate(self, request, *args, **kwargs):
        return self._act(
            request,
            lambda obj, d: handling.request_escalate(request=obj, user=request.user, **d),
            EscalateInput,
        )


class AuditEventFilterSet(filters.FilterSet):
    request = filters.UUIDFilter(field_name="request_public_id")
    action = filters.CharFilter(field_name="action")

    class Meta:
        model = AuditEvent
        fields = ["request", "action"]


class AuditEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = AuditEventSerializer
    read_perm = Perm.VIEW_INTERNAL
    write_perm = Perm.EDIT
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = AuditEventFilterSet

    def get_queryset(self):
        return AuditEvent.objects.select_related("actor").order_by("-seq")

    @extend_schema(responses=AuditVerifySerializer, summary="Check the hash chain of the whole audit trail")
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def verify(self, request, *args, **kwargs):
        result = audit_verify()
        return Response(
            {
                "ok": result.ok,
                "checked": result.checked,
                "broken_at_id": result.broken_at_id,
                "broken_at_seq": result.broken_at_seq,
                "reason": result.reason,
            }
        )


def register(router) -> None:
    router.register("requests", RequestViewSet, basename="compliance-request")
    router.register("audit-events", AuditEventViewSet, basename="compliance-audit-event")
