"""What users take away: the lecture pack, review stills, the explorer page and social posts.

:mod:`~ae_explainer.deliver.lecture` builds the lecture pack,
:mod:`~ae_explainer.deliver.stills` the review stills,
:mod:`~ae_explainer.deliver.sheets` contact sheets,
:mod:`~ae_explainer.deliver.explore` and :mod:`~ae_explainer.deliver.explore_data`
the explorer page, :mod:`~ae_explainer.deliver.social` the social posts and
:mod:`~ae_explainer.deliver.publish` their chapter lists and thumbnails.
"""
