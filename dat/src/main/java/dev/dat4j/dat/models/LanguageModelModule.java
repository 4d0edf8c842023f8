package dev.dat4j.dat.models;

import dev.dat4j.autograd.nn.Module;

/** Base of the LM classes: the {@link LanguageModel} mode switches map onto {@link Module}'s. */
abstract class LanguageModelModule extends Module implements LanguageModel {

    @Override
    public void evalMode() {
        eval();
    }

    @Override
    public boolean isTrainingMode() {
        return isTraining();
    }

    @Override
    public void trainMode(boolean training) {
        train(training);
    }
}
