from django.apps import AppConfig


class StoriesConfig(AppConfig):
    name = "newsdesk.stories"
    label = "stories"
    verbose_name = "Stories: grouping, briefs and tags"
