"""Forms for readers, moderators and editors (Django's forms: validation, labels, errors)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.core.validators import MaxLengthValidator

from newsdesk import limits
from newsdesk.discussion.models import CommentReport, SentenceFlag

# Django renders help_text as HTML, hence the entities.
FORMAT_HELP = (
    "Leave a blank line between paragraphs. *emphasis*, **strong**, &gt; quote, "
    "[link text](https://…) or &lt;https://…&gt;. HTML is shown as text."
)


class _LimitedText:
    """Length caps read from newsdesk.limits when the form is made (overrides apply)."""

    limited: dict[str, str] = {}

    def _apply_limits(self) -> None:
        for name, limit_name in self.limited.items():
            field, limit = self.fields[name], getattr(limits, limit_name)
            field.max_length = limit
            field.validators.append(MaxLengthValidator(limit))
            field.widget.attrs["maxlength"] = str(limit)


class CommentForm(_LimitedText, forms.Form):
    limited = {"body": "DISCUSSION_COMMENT_MAX_CHARS"}

    body = forms.CharField(
        label="Your comment",
        help_text=FORMAT_HELP,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, label: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._apply_limits()
        if label:
            self.fields["body"].label = label

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].replace("\r\n", "\n").strip()
        if not body:
            raise forms.ValidationError("Write something first.", code="empty")
        return body


class ReportCommentForm(_LimitedText, forms.ModelForm):
    limited = {"note": "DISCUSSION_NOTE_MAX_CHARS"}

    class Meta:
        model = CommentReport
        fields = ["reason", "note"]
        widgets = {"reason": forms.RadioSelect, "note": forms.Textarea(attrs={"rows": 3})}
        labels = {"reason": "What is wrong with this comment?", "note": "Anything to add"}
        help_texts = {"note": "Optional. Only moderators see it."}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._apply_limits()
        self.fields["reason"].choices = CommentReport.Reason.choices  # no "-----" choice


class SentenceFlagForm(_LimitedText, forms.ModelForm):
    limited = {"note": "DISCUSSION_NOTE_MAX_CHARS"}

    class Meta:
        model = SentenceFlag
        fields = ["kind", "note"]
        widgets = {"kind": forms.RadioSelect, "note": forms.Textarea(attrs={"rows": 3})}
        labels = {"kind": "What is wrong with this sentence?", "note": "What should it say?"}
        help_texts = {"note": "Optional: the correct fact, or where you read it. Editors see it."}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._apply_limits()
        self.fields["kind"].choices = SentenceFlag.Kind.choices


class SignUpForm(UserCreationForm):
    email = forms.EmailField(
        label="Email address",
        help_text="Only for resetting your password. Never shown to anyone.",
    )

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ["username", "email"]
        help_texts = {"username": "Shown with your comments. Letters, digits and @ . + - _"}

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "An account already uses this address: log in, or reset its password.",
                code="duplicate_email",
            )
        return email


class MuteForm(forms.Form):
    prefix = "mute"  # the mute and ban forms share a page: their field ids must differ
    DURATIONS = [("1", "1 day"), ("7", "7 days"), ("30", "30 days"), ("365", "1 year")]
    days = forms.TypedChoiceField(label="Mute for", choices=DURATIONS, coerce=int, initial="7")
    reason = forms.CharField(label="Reason (the reader sees it)", max_length=300, required=False)


class BanForm(forms.Form):
    prefix = "ban"
    reason = forms.CharField(label="Reason (for the log)", max_length=300, required=False)
