"""Pages that post one named action at a time (a case, a cycle, a card list): each action is a
form and a handler registered under its name. The page runs the posted one: a handler's
message on success (or its own response, e.g. a file), the service's refusal put on the form
so the page can show it again with what was typed, and a permission refusal as a message."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .views import apply_errors


class Actions:
    def __init__(self):
        self.registry = {}  # action name -> (form class, handler)

    def __call__(self, name, form_class):
        """Register `handler(request, target, form)`, which returns a message or a response."""

        def register(handler):
            self.registry[name] = (form_class, handler)
            return handler

        return register

    def run(self, request, target, back, make_form=None):
        """(the response to return, or None and {name: the refused form} to show again)."""
        name = request.POST.get("action", "")
        if name not in self.registry:
            messages.error(request, _("Unknown action."))
            return redirect(back), {}
        form_class, handler = self.registry[name]
        form = (make_form or _bound)(form_class, request)
        if form.is_valid():
            try:
                result = handler(request, target, form)
            except ValidationError as exc:
                apply_errors(form, exc)
            except PermissionDenied as exc:
                messages.error(request, str(exc) or _("Your role may not do this."))
                return redirect(back), {}
            else:
                if isinstance(result, HttpResponse):
                    return result, {}
                messages.success(request, result)
                return redirect(back), {}
        for errors in form.errors.values():
            for msg in errors:
                messages.error(request, msg)
        return None, {name: form}


def _bound(form_class, request):
    return form_class(request.POST, request.FILES)
